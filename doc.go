// Package trailkit is the root of a library that implements the AWS
// CloudTrail event model and its on-S3 formats: typed event records, trail
// settings and event selectors, gzip log files under CloudTrail's object
// keys, signed SHA-256 digest chains that `aws cloudtrail validate-logs`
// accepts, and a baseline-rate Insights detector.
//
// The work is done by independent packages, which programs compose:
//
//   - event: the record model (every documented field, unknown fields kept),
//     a codec that writes CloudTrail's exact bytes (escaping, member order by
//     era) and re-encodes decoded records byte for byte, builders for
//     services, and Validate. event/eventtest is a deterministic generator of
//     realistic activity with a catalogue of attack techniques, actors and
//     record-level ground truth; event/eventtest/fixture writes a whole
//     fixture bucket (logs, signed digests, Insights) into any store.
//   - trail: trail settings and basic/advanced event selectors, validated with
//     the service's rules and compiled into an immutable zero-allocation
//     filter.
//   - logfile: object keys and the one Location of a trail's objects; stores
//     (a directory, memory, S3 in the nested module aws/s3store) with
//     streaming reads and conditional create; a log file framer over any
//     io.Writer; a batching writer that checks every record and can make it
//     durable in a write-ahead spool before acknowledging it; readers of
//     {"Records":[...]} files and JSON lines; Scan over many accounts and
//     Regions.
//   - digest: hourly signed digest files chaining the delivered log files,
//     built in process (Chain) or from the store's listing by any number of
//     competing digesters (Digester, fleet mode), and a validator that walks a
//     chain like validate-logs, but stricter (unlisted files, nothing
//     validated) and also offline; digest/awscli prints its report as aws-cli
//     does.
//   - logging: a one-call trail for services (store, durable writer, digest
//     chains, recovery, ticking and shutdown order); apicall: HTTP middleware
//     that records every operation and never lets one succeed unrecorded.
//   - insights: a detector of unusual API call and error rates that learns
//     schedules, weekly profiles, bursty clients and trends, scores every
//     minute, and emits CloudTrail Insights records.
//   - metricfilter and eventpattern: what happens after delivery, offline:
//     CloudWatch Logs filter patterns, the CIS monitoring set and alarm
//     evaluation; the EventBridge envelope of CloudTrail events and event
//     patterns. The nested module aws/delivery sends records to CloudWatch
//     Logs, EventBridge and SNS.
//
// Data flows from a service (or eventtest) as event.Record values through a
// trail filter into a logfile.Writer, which stores log files and reports each
// delivery to a digest.Chain; the chain stores an hourly signed digest. In a
// fleet, writers on many hosts only write log files and digest.Digester
// processes build the one chain per account and Region from the store's
// listing. The insights detector watches the same records and writes its
// Insights records through a second writer. digest.Validate reads the store
// back.
package trailkit
