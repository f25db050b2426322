// Package metricfilter evaluates CloudWatch Logs metric filter patterns on
// CloudTrail records, offline, the way CloudWatch Logs evaluates them on
// the log events a trail delivers to a log group; it also carries the CIS
// AWS Foundations Benchmark's monitoring filters and evaluates CloudWatch
// alarms on the metrics they publish.
//
// The syntax follows "Filter pattern syntax for metric filters,
// subscription filters, filter log events, and Live Tail" and its section
// "Using filter patterns to match terms in JSON log events" in the Amazon
// CloudWatch Logs User Guide
// (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/FilterAndPatternSyntax.html).
// The tests run that page's examples against its example log events.
//
// # Patterns
//
// A pattern is the empty string, which matches every log event, or
//
//	{ EXPR }
//
// where EXPR combines conditions with && and ||, && binding tighter, and
// parentheses group (at most 64 deep). A condition is
//
//	SELECTOR = VALUE       SELECTOR != VALUE
//	SELECTOR < NUMBER      SELECTOR <= NUMBER   SELECTOR > NUMBER   SELECTOR >= NUMBER
//	SELECTOR IS NULL       SELECTOR NOT EXISTS
//	SELECTOR IS TRUE       SELECTOR IS FALSE
//
// SELECTOR is $ followed by steps: .name selects an object member (a name is
// any run of bytes above space other than . [ ] = ! < > ( ) & | { } " $),
// [N] an array element, so $.resources[0].ARN and $.coordinates[0][1] are
// selectors. VALUE is a double-quoted string (\" and \\ escape a quote and
// a backslash), or an unquoted token running to the next space, parenthesis,
// &, |, } or quote. Keywords are upper case, as documented. Whitespace
// between tokens is optional. A pattern longer than 1024 bytes, or any
// other text, is a *SyntaxError carrying the byte offset of the problem. Term and space-delimited patterns are not
// supported: they are syntax errors.
//
// A value may also be a regular expression between percent signs, with
// = or != only: { $.eventName = %^Delete.*Policy$% }. As CloudWatch Logs
// documents, it may hold only letters, digits, the symbols : _ # = @ / ; , -
// and the operators ^ $ ? [ ] { } | \ * + . (no parentheses, no multi-byte
// characters), and a pattern holds at most two; it matches when it finds a
// match anywhere in the value's text (Go's RE2 syntax, of which that subset
// is a part).
//
// # Evaluation
//
// The log event is the record's JSON exactly as CloudTrail delivers it to
// CloudWatch Logs (event.Record.AppendJSON); messages from elsewhere are
// evaluated the same way (LogEvent.SetMessage). A selector resolves step by
// step from the top-level object; a missing member, an index past the end,
// or a step into a value of the wrong type leaves it unresolved, and then
// every condition is false except NOT EXISTS, which is true exactly then.
// In particular $.f != "x" does not match an event without f.
//
//   - = and != on a string field compare the unescaped string. A value with
//   - is a wildcard: each * matches any run of characters, anywhere in
//     the value ("*UnauthorizedOperation", "AccessDenied*", "123.123.*").
//     A lone unquoted * matches any string, number or boolean (used as
//     { $.latency = * } to require a value).
//   - On a number field an unquoted numeric value compares numerically
//     ({ $.id = 2 } matches 2.0); any other value compares with the number's
//     JSON text. On a string field a numeric value compares as text, so
//     { $.eventVersion = 1.08 } matches "1.08" but not "1.080".
//   - = and != on a boolean compare its JSON text (true, false).
//   - = and != never match null, an object or an array, and < <= > >= match
//     only numbers; the value of < <= > >= must be numeric.
//   - IS NULL matches JSON null, IS TRUE and IS FALSE the booleans, NOT
//     EXISTS an unresolved selector.
//
// A metric value (MetricValue) is a constant or a selector whose field must
// be a number; CloudWatch Logs publishes nothing for an event whose field
// is missing or not a number, and neither does Value.
//
// # The CIS monitoring set
//
// CIS120 and CIS140 return the CIS AWS Foundations Benchmark's monitoring
// section, v1.2.0 (controls 3.1-3.14) or v1.4.0 (4.1-4.15): for each
// control the alarm its remediation creates and, in it, the metric filter
// with the control's number, recommendation and the pattern of its
// remediation.
//
// # Alarms
//
// Evaluate replays records through alarms (Alarm: the metric filter,
// statistic, period, threshold and comparison, M out of N evaluation
// periods, missing-data treatment) over a time range and returns each
// change of state with the datapoints that decided it and the eventIDs of
// the records that caused an ALARM. Datapoints are computed per period
// from start over the records' eventTime, so records may arrive in any
// order, as they do in CloudTrail log files. The evaluation rule is stated
// on Evaluate; it is CloudWatch's for complete windows, and
// simpler than CloudWatch's where CloudWatch looks back past the window for
// missing data.
//
// # Cost
//
// Compile parses once; Pattern is immutable and safe for concurrent use.
// A LogEvent holds one parsed message, and MatchEvent on it allocates
// nothing: the selectors are table lookups over one flat parse of the
// message. Pattern.Match encodes and parses the record into a pooled
// LogEvent, so it allocates nothing after warm-up either; to evaluate a
// set of patterns on one record, set one LogEvent to the record's JSON
// (SetMessage(r.AppendJSON(buf[:0]))) and call MatchEvent for each
// (BENCHMARKS.md has the figures).
package metricfilter
