package storetest_test

import (
	"testing"

	"github.com/trailkit/trailkit/logfile"
	"github.com/trailkit/trailkit/logfile/storetest"
)

func TestMemStore(t *testing.T) {
	storetest.Run(t, func(t *testing.T) (logfile.Store, string) {
		return logfile.NewMemStore(), "trail-bucket"
	})
}
