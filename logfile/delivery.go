package logfile

import "time"

// Delivery describes one log file (or Insights file) that a Writer has stored.
// Subscribers such as digest.Chain receive one per stored file.
type Delivery struct {
	Bucket string
	Key    string
	// Kind is the object kind of Key: KindLog or KindInsight.
	Kind ObjectKind
	// Account and Region are the recipient account and the delivering Region.
	Account string
	Region  string
	// SHA256 is the SHA-256 of the uncompressed body, the hash digests list.
	SHA256 [32]byte
	// OldestEventTime and NewestEventTime span the records' eventTime values.
	OldestEventTime time.Time
	NewestEventTime time.Time
	// Records is the number of records in the file.
	Records int
	// CompressedSize and UncompressedSize are the body sizes in bytes.
	CompressedSize   int64
	UncompressedSize int64
	// DeliveredAt is the delivery time from the writer's clock; the key's
	// timestamp is this time truncated to the minute.
	DeliveredAt time.Time
}

// ObjectKind names the three kinds of CloudTrail object under AWSLogs/.
type ObjectKind string

// The object kinds, spelled as in the key's path segment.
const (
	KindLog     ObjectKind = "CloudTrail"
	KindInsight ObjectKind = "CloudTrail-Insight"
	KindDigest  ObjectKind = "CloudTrail-Digest"
)
