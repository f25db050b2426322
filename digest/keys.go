package digest

import (
	"strings"
	"time"
)

// keyTimeFormat is the timestamp in a digest's file name (with seconds).
const keyTimeFormat = "20060102T150405Z"

// isBackfillKey reports whether a digest key names a backfill digest.
func isBackfillKey(key string) bool { return strings.HasSuffix(key, "_backfill.json.gz") }

// keyTime extracts the timestamp from a digest key by position, as aws-cli
// does (key[-24:-8], or key[-33:-17] for backfill), and parses it. ok is
// false when the key is too short or the text is not a timestamp.
func keyTime(key string) (t time.Time, ok bool) {
	s, ok := keyTimeText(key)
	if !ok {
		return time.Time{}, false
	}
	t, err := time.Parse(keyTimeFormat, s)
	return t, err == nil
}

func keyTimeText(key string) (string, bool) {
	if isBackfillKey(key) {
		if len(key) < 33 {
			return "", false
		}
		return key[len(key)-33 : len(key)-17], true
	}
	if len(key) < 24 {
		return "", false
	}
	return key[len(key)-24 : len(key)-8], true
}
