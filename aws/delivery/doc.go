// Package delivery sends CloudTrail records where a trail sends them
// besides S3: to a CloudWatch Logs log group (LogGroup), to an EventBridge
// event bus (EventBus), and the SNS notice CloudTrail publishes for each
// log file it delivers (Notices).
//
// # CloudWatch Logs
//
// CloudTrail writes each record's JSON as one log event to the stream
// "<account>_CloudTrail_<region>" of the trail's log group
// ("<org-id>_<account>_CloudTrail_<region>" for an organization trail);
// StreamName gives it. LogGroup.Deliver groups records by stream, orders
// each stream's events by eventTime (CloudWatch Logs requires a batch in
// chronological order; ties keep their input order) and cuts batches that
// respect PutLogEvents' limits: at most 10,000 events, at most 1,048,576
// bytes counting each message's UTF-8 bytes plus 26, and no more than 24
// hours between a batch's first and last event. A record whose message is
// longer than 262,118 bytes (256 KiB less the 26-byte overhead) cannot be
// delivered as one event and is reported, not truncated. The log event's
// timestamp is the eventTime in milliseconds. Missing streams are created.
//
// # EventBridge
//
// EventBus.Deliver sends each record's envelope (eventpattern.Wrap) with
// PutEvents: at most 10 entries per call and 256 KiB per call, counting an
// entry as EventBridge does (14 bytes for Time, plus the UTF-8 bytes of
// Source, DetailType, Detail and each Resources element). Sources starting
// with "aws." are reserved for AWS services, so the entry's source is the
// envelope's with "aws." replaced by EventBus.SourcePrefix (default
// "trailkit."); detail-type, time, resources and detail are the
// envelope's. Entries PutEvents reports as failed are retried alone.
//
// # SNS
//
// Notices.Notify publishes, for each delivered log file, the message
// CloudTrail sends: {"s3Bucket":"<bucket>","s3ObjectKey":["<key>"]}.
//
// # Failures
//
// Every call is retried (Retry: attempts with exponential backoff) on any
// error, and a batch is never split from its records: when the attempts
// are spent, Deliver returns a *DeliveryError listing every record that was
// not acknowledged, and the ones that CloudWatch Logs or EventBridge
// rejected with the reason. Nothing acknowledged is listed and nothing
// unacknowledged is left out, so a caller that redelivers the error's
// records loses none. A call that failed after the service applied it is
// applied again on retry: delivery is at least once, as CloudTrail's is.
package delivery
