// Package trailkit is the root of a library that implements the AWS
// CloudTrail event model and its on-S3 formats: typed event records, trail
// settings and event selectors, gzip log files under CloudTrail's object
// keys, signed SHA-256 digest chains that `aws cloudtrail validate-logs`
// accepts, and a baseline-rate Insights detector.
//
// The work is done by independent packages, which programs compose:
//
//   - event: the record model (every documented field, unknown fields kept),
//     a fast allocation-free codec, builders for services, Validate, and
//     event/eventtest, a deterministic generator of realistic activity.
//   - trail: trail settings and basic/advanced event selectors, validated with
//     the service's rules and compiled into a zero-allocation filter.
//   - logfile: object keys, stores (a directory, memory, S3 in the nested
//     module aws/s3store), a batching gzip log file writer and a streaming reader.
//   - digest: hourly signed digest files chaining the delivered log files,
//     and a validator that walks a chain like validate-logs, but stricter and
//     also offline.
//   - insights: a detector of unusual API call and error rates that emits
//     CloudTrail Insights records.
//
// Data flows from a service (or eventtest) as event.Record values through a
// trail filter into a logfile.Writer, which stores log files and reports each
// delivery to a digest.Chain; the chain stores an hourly signed digest. The
// insights detector watches the same records and writes its Insights records
// through a second writer. digest.Validate reads the store back.
package trailkit
