// Package eventpattern puts CloudTrail records in the envelope they have on
// the EventBridge default event bus and evaluates EventBridge event patterns
// on them, offline, with an explanation of every decision.
//
// # The envelope
//
// Wrap gives a record's envelope: version "0", a reproducible id,
// detail-type from the event type ("AWS API Call via CloudTrail", "AWS
// Console Sign In via CloudTrail", "AWS Service Event via CloudTrail", "AWS
// Insight via CloudTrail"),
// source aws.<service> from the eventSource (aws.cloudtrail for Insights),
// account, time and region from the record, empty resources, and the
// record itself as detail. Envelope.AppendJSON writes it in that member
// order.
//
// # Patterns
//
// The syntax and semantics follow the Amazon EventBridge User Guide,
// "Creating event patterns", "Content filtering in Amazon EventBridge event
// patterns" and "Comparison operators for use in event patterns"
// (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html).
// A pattern is a JSON object, at most 4096 bytes. Its members name event
// fields; an object value descends into the event, and an array value lists
// what the field may be (any element may match). An element is
//
//   - a string, number, null, true or false: equal to the event's value;
//     numbers compare as float64 (5 matches 5.0 and 5e0), and a string never
//     matches a number or the reverse;
//   - {"prefix": s} or {"suffix": s}, each also as {"prefix":
//     {"equals-ignore-case": s}}: the string starts or ends with s;
//   - {"equals-ignore-case": s}: equal under Unicode simple case folding;
//   - {"wildcard": s}: each * matches any run of characters; \* is a literal
//     star and \\ a backslash, any other backslash and ** are errors;
//   - {"anything-but": v}: a string or number value that matches none of v,
//     where v is a string, a number, a list of only strings or only numbers,
//     {"prefix": s}, {"suffix": s}, {"equals-ignore-case": s or [s…]} or
//     {"wildcard": s or [s…]}; it never matches an absent field, null or a
//     boolean;
//   - {"numeric": ["=", n]} or one or two bounds
//     {"numeric": [">", a, "<=", b]} (> >= < <=): a number in the range;
//   - {"exists": true} or {"exists": false}: whether the field has a leaf
//     value (a string, number, boolean or null; an object or an empty array
//     is no value, as in EventBridge);
//   - {"cidr": "10.0.0.0/24"} (IPv4 or IPv6): a string holding an IP
//     address inside the prefix.
//
// A member "$or" takes a list of pattern objects, one of which must match;
// $or may appear at any level and nest, up to 8 deep. All other members of
// an object must match (AND). Where the event has an array, on the way to
// the field or at it, each element is tried: a field matches when any of
// its leaf values matches any element of the pattern's array. Patterns that
// are not valid JSON or break these rules (an empty object or array, an
// unknown operator, a numeric range that is empty, an anything-but list
// mixing strings and numbers…), or longer than 4096 bytes, return a
// *SyntaxError with the byte offset of the offending value.
//
// # Differences from other implementations
//
// Compared with the EventBridge documentation and the Java event-ruler
// library (github.com/aws/event-ruler) that implements it:
//
//   - Fields are matched independently. event-ruler's rulesForJSONEvent is
//     array-consistent: two fields under objects in different elements of
//     one array cannot both match one pattern. Here, as in event-ruler's
//     older rulesForEvent, {"resources":{"type":["A"],"ARN":["b"]}} matches
//     when one resource has type A and another has ARN b.
//   - Numbers are float64 everywhere; EventBridge supports numeric matching
//     only between -5.0e9 and 5.0e9 with 15 significant digits and rejects
//     patterns outside that range.
//   - "$or" whose value is not an array is an error; event-ruler treats it as
//     an ordinary field name for backward compatibility.
//   - Keys with dots are not joined: {"a.b": [1]} matches only a member named
//     "a.b", where event-ruler also matches {"a": {"b": 1}}.
//
// Compared with the Go library quamina (github.com/timbray/quamina,
// PATTERNS.md): quamina has exists (leaf-only, with the same empty-array
// rule), anything-but with lists of strings only, prefix, and shellstyle
// (wildcard without escapes); it has no suffix, equals-ignore-case,
// numeric ranges, cidr or $or; it canonicalises numbers only between
// -5.0e9 and 5.0e9 with at most five fractional digits and compares others
// as strings; and it accepts an empty array in a pattern, which matches
// nothing, where this package reports an error.
//
// # Cost
//
// Compile parses once; a Pattern is immutable and safe for concurrent use.
// An Event holds one parsed envelope; MatchEvent on it allocates nothing.
// Pattern.Match encodes the envelope into a pooled Event and allocates
// nothing after warm-up. Explain evaluates every field with the same code
// as MatchEvent and allocates its explanation.
package eventpattern
