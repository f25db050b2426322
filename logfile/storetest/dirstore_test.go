package storetest_test

import (
	"testing"

	"github.com/trailkit/trailkit/logfile"
	"github.com/trailkit/trailkit/logfile/storetest"
)

func TestDirStore(t *testing.T) {
	storetest.Run(t, func(t *testing.T) (logfile.Store, string) {
		s, err := logfile.NewDirStore(t.TempDir(), logfile.DirStoreOptions{})
		if err != nil {
			t.Fatal(err)
		}
		return s, "trail-bucket"
	})
}
