package digest

import (
	"context"
	"errors"
	"runtime"

	"github.com/trailkit/trailkit/logfile"
)

type logJob struct {
	i  int
	lf LogFile
}

// startPool starts the workers that fetch and hash log files. Results are
// written under v.mu into v.rep.LogFiles[i].
func (v *validator) startPool(ctx context.Context) {
	n := v.opts.Workers
	if n <= 0 {
		n = runtime.GOMAXPROCS(0)
	}
	v.jobs = make(chan logJob, 4*n)
	for range n {
		v.wg.Add(1)
		go func() {
			defer v.wg.Done()
			for j := range v.jobs {
				st, err, trailing := v.checkLog(ctx, j.lf)
				v.mu.Lock()
				r := &v.rep.LogFiles[j.i]
				r.Status, r.Err = st, err
				if trailing {
					v.trails = append(v.trails, Finding{Kind: FindingTrailingData, Bucket: j.lf.S3Bucket, Key: j.lf.S3Object, Detail: "log file has bytes after its gzip member"})
				}
				v.done++
				if v.opts.Progress != nil {
					v.opts.Progress(v.done, v.queued)
				}
				v.mu.Unlock()
			}
		}()
	}
}

// stopPool waits for the workers and appends their findings in a stable
// order (the order of the log files).
func (v *validator) stopPool() {
	close(v.jobs)
	v.wg.Wait()
	if len(v.trails) == 0 {
		return
	}
	pos := map[string]int{}
	for i, l := range v.rep.LogFiles {
		if _, ok := pos[l.Bucket+"/"+l.Key]; !ok {
			pos[l.Bucket+"/"+l.Key] = i
		}
	}
	sortFindings(v.trails, pos)
	for _, f := range v.trails {
		v.rep.Findings = append(v.rep.Findings, f)
	}
}

func sortFindings(fs []Finding, pos map[string]int) {
	for i := 1; i < len(fs); i++ {
		for j := i; j > 0 && pos[fs[j].Bucket+"/"+fs[j].Key] < pos[fs[j-1].Bucket+"/"+fs[j-1].Key]; j-- {
			fs[j], fs[j-1] = fs[j-1], fs[j]
		}
	}
}

// checkLog streams one log file (Store.Open) and compares the SHA-256 of its first gzip
// member, inflated, with the listed hash. Like aws-cli: a missing object is
// "not found", an unreadable one "invalid format". Unlike aws-cli, a
// truncated member is "invalid format" too (aws-cli hashes what inflates
// and reports a hash mismatch), and a key that the store refuses (see
// logfile.CheckKey) is "invalid format" with the *logfile.Error as evidence
// (aws-cli would abort).
func (v *validator) checkLog(ctx context.Context, lf LogFile) (Status, error, bool) {
	body, _, err := v.store.Open(ctx, lf.S3Bucket, lf.S3Object)
	if err != nil {
		if errors.Is(err, logfile.ErrNotFound) {
			return StatusNotFound, err, false
		}
		return StatusInvalidFormat, err, false
	}
	defer body.Close()
	sum, trailing, err := hashGzip(body, v.maxLog)
	if err != nil {
		return StatusInvalidFormat, err, false
	}
	if sum.String() != lf.HashValue {
		return StatusHashMismatch, &HashError{Bucket: lf.S3Bucket, Key: lf.S3Object, Listed: lf.HashValue, Calculated: sum}, trailing
	}
	return StatusValid, nil, trailing
}

// HashError reports a log file whose content does not match its digest
// entry; it shows both sides.
type HashError struct {
	Bucket, Key string
	Listed      string
	Calculated  Hash
}

// Error implements error.
func (e *HashError) Error() string {
	return "digest: s3://" + e.Bucket + "/" + e.Key + ": expected SHA-256 " + clip(e.Listed) + ", calculated " + e.Calculated.String()
}
