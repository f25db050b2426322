// Package event is the AWS CloudTrail event record: the typed model
// ([Record] and its nested types), its JSON codec, builders for services that
// emit events, and validation.
//
// # The model
//
// A [Record] is one element of a log file's "Records" array. Its fields carry
// CloudTrail's exact JSON names (see the comment on each field). The presence
// rules are stated on [Record]: an empty string is absent, a nil raw member
// is absent while the 4 bytes "null" are JSON null, a nil pointer is absent,
// and a member the typed fields cannot hold (an unknown key, matched
// case-sensitively, or a JSON type the field cannot hold) is kept verbatim,
// in input order, in the Unknown list of the object it appeared in.
//
// # Decoding
//
// [Unmarshal] and [Record.UnmarshalJSON] read one record with a hand-written
// decoder (no reflection). The input must be exactly one JSON object,
// optionally surrounded by JSON whitespace, and well-formed per RFC 8259:
// anything else is a [*SyntaxError] (the decoder's only error) with the
// byte offset of the problem; the decoder never panics. Nesting deeper than
// 10000 is a syntax error. On error the destination is left unchanged; on
// success it is replaced wholesale.
//
// What the decoder accepts and how each value lands in the model:
//
//   - Strings are unescaped; invalid UTF-8 and unpaired surrogate escapes in
//     a typed string become U+FFFD, as in encoding/json. An empty string
//     ("errorCode":"") does not fit a typed string field (empty means absent),
//     so it is kept in Unknown.
//   - eventTime is read in CloudTrail's layout [TimeLayout]
//     (2006-01-02T15:04:05Z) or as any RFC 3339 time, with a fraction or an
//     offset; the result is converted to UTC. A string that is neither (the
//     real corpus has "redacted" and "..."), the instant
//     0001-01-01T00:00:00Z (the zero time, which means absent) and a time
//     whose UTC year falls outside 0000–9999 are kept in Unknown, so
//     EventTime is zero for them. Validate reports such a record.
//   - readOnly and managementEvent take JSON true and false; anything else
//     (LookupEvents' "true") goes to Unknown.
//   - Raw members (requestParameters, responseElements, additionalEventData,
//     serviceEventDetails, edgeDeviceDetails, eventContext,
//     webIdFederationData.attributes, addendum.updatedFields) take any JSON
//     value and keep its bytes exactly as they appeared in the input,
//     inner whitespace included. Unknown members are kept the same way.
//   - insightDuration and baselineDuration take integers written in
//     canonical form that fit in int64; 5.0, 1e3 or -0 go to Unknown.
//   - average takes any JSON number in float64 range (1e400 goes to
//     Unknown). When its text is not the canonical form the encoder writes
//     (8.82145e-05, 2.0, 0.0), the text is remembered in an unexported field
//     and written back unchanged for as long as Average still holds the
//     value it denotes, so real Insights records keep their numbers as
//     written.
//   - Arrays of objects (resources, attributions, insight, baseline) must
//     hold only objects; otherwise the whole member goes to Unknown.
//   - Duplicate keys: the last one wins, whether it lands in a typed field
//     or in Unknown; earlier occurrences are dropped.
//
// The decoded record never aliases the caller's buffer, which may be reused
// as soon as the call returns. The decoder copies only what the record keeps
// (string values, raw members and Unknown members, not keys or punctuation)
// one after another into 8 KiB arena chunks that the records decoded one
// after another share; a value over 2 KiB gets an allocation of its own.
// Short string values that repeat from record to record (eventSource,
// awsRegion, ARNs, userAgent, …; not ids) are looked up in a cache of recent
// values and share that value's allocation instead. The nested objects a
// typical record has come in two more allocations: the userIdentity with the
// readOnly and managementEvent flags, and the sessionContext with its
// sessionIssuer and attributes. So a record costs a handful of allocations
// instead of one per value, and a record kept while the others are dropped
// keeps at most the two chunks its values were copied to (16 KiB) alive.
// Raw members are slices with their capacity capped at their length:
// appending to one reallocates it instead of overwriting its neighbours.
//
// # Encoding
//
// [Record.AppendJSON] appends a record as compact JSON and allocates nothing
// when the destination has room; [Record.MarshalJSON] returns the same bytes
// after checking that they are valid JSON (a raw member or Unknown value that
// is not, a NaN or infinite average, or an eventTime outside years 0–9999 is
// an [*EncodeError] naming the member). json.Marshal of a record
// yields the MarshalJSON bytes: the characters encoding/json would escape in
// a Marshaler's output are already escaped.
//
// Member order. A decoded object remembers the order its members came in:
// CloudTrail's order changed over the years (older records put
// mfaAuthenticated before creationDate, ARN first in resources[], attributes
// before sessionIssuer, eventCategory before recipientAccountId), and an
// explicit empty string ("accessKeyId":"", kept in Unknown) stands where
// the member normally stands. The order is kept as a small layout code per
// object (an unexported uint16; the layouts themselves are interned once per
// process, at most 4096 of them, after which further new layouts are written
// in the default order), not as a copy of the input. AppendJSON writes a
// decoded object's members in that order, Unknown members included; a
// member set after decoding follows the remembered ones, and Unknown members
// beyond those remembered come last. So a record CloudTrail wrote
// re-encodes byte for byte (the tests check every record and every file of
// the delivered log files, and the real-record corpus). An object with a
// duplicate key, or with more than 256 members, is written in the default
// order.
//
// Objects built in Go, and decoded objects whose members were in the default
// order, are written in the default order: absent members left out, and
// each object's Unknown members after its typed ones in their stored order.
// The top-level order is
//
//	eventVersion userIdentity eventTime eventSource eventName awsRegion
//	sourceIPAddress userAgent errorCode errorMessage requestParameters
//	responseElements additionalEventData requestID eventID readOnly resources
//	eventType apiVersion managementEvent recipientAccountId sharedEventID
//	vpcEndpointId vpcEndpointAccountId serviceEventDetails eventCategory
//	addendum tlsDetails sessionCredentialFromConsole edgeDeviceDetails
//	eventContext annotation
//
// except that a record with InsightDetails set starts with the Insights order
// eventVersion eventTime awsRegion eventID eventType recipientAccountId
// sharedEventID insightDetails eventCategory and continues with whatever else
// is set in the order above. Nested orders:
//
//	userIdentity: type principalId arn accountId accessKeyId userName
//	  sessionContext invokedBy identityProvider onBehalfOf credentialId
//	  invokedByDelegate inScopeOf
//	sessionContext: sessionIssuer webIdFederationData attributes
//	  sourceIdentity ec2RoleDelivery ec2IssuedInVPC assumedRoot signInSessionArn
//	sessionIssuer: type principalId arn accountId userName
//	webIdFederationData: federatedProvider attributes
//	attributes: creationDate mfaAuthenticated
//	onBehalfOf: userId identityStoreArn
//	inScopeOf: sourceArn sourceAccount issuerType credentialsIssuedTo
//	resources[]: accountId type ARN ARNPrefix
//	addendum: reason updatedFields originalRequestID originalEventID
//	tlsDetails: tlsVersion cipherSuite clientProvidedHostHeader keyExchange
//	insightDetails: state eventSource eventName insightType errorCode insightContext
//	insightContext: statistics attributions
//	statistics: baseline insight insightDuration baselineDuration
//	attributions[]: attribute insight baseline
//	insight[], baseline[]: value average
//
// Values:
//
//   - Strings are escaped as CloudTrail's writer does (Gson in HTML-safe
//     mode): " and \ with a backslash; \b \f \n \r \t; other bytes below
//     0x20 as \u00xx (lowercase hex); ' = & < > as \u0027 \u003d \u0026
//     \u003c \u003e; U+2028 and U+2029 as \u2028 and \u2029; invalid UTF-8
//     as \ufffd. Everything else, / and non-ASCII text included, is written
//     literally, non-ASCII as UTF-8.
//   - eventTime is converted to UTC and written as [TimeLayout] when it is a
//     whole second. A time with a sub-second part is written in RFC 3339 with
//     the shortest fraction (2024-03-05T09:16:03.5Z) rather than silently
//     truncated; builders never produce one, and Validate reports it.
//   - average is written in plain decimal notation, strconv 'f' with the
//     shortest precision (never an exponent), unless the decoder remembered
//     its text (above). Durations are integers.
//   - Raw members and Unknown values are written verbatim, byte for byte; an
//     empty (len 0) raw member or Unknown value is absent. A caller who sets
//     them must supply valid JSON, compact if the output is to be compact,
//     and escaped as above if the output is to be CloudTrail's bytes (the
//     builders escape the raw members they are given).
//   - A non-nil empty Resources or Attributions slice is written as [];
//     a nil one is absent. A non-nil empty nested object is written as {}.
//   - An Average or AttributionValue always has its "average" member (the
//     float has no absent state, so {} is written back as {"average":0}),
//     except when Unknown holds an "average" the decoder could not hold,
//     which is then written in its place.
//
// Round trip: for every record Unmarshal returns, decoding what AppendJSON
// writes gives a record equal to it (reflect.DeepEqual, layout codes
// included), and encoding that again gives the same bytes; the tests check this over the real corpus, on
// random records and under fuzzing. A record built in code round-trips the
// same way when its strings are valid UTF-8, its eventTime is in UTC, its
// raw members and Unknown values are valid JSON, and its Unknown keys are
// distinct and not keys of typed fields (on decoding, the last duplicate
// wins).
//
// AppendJSON and MarshalJSON only read the record, so they may run
// concurrently on one record; Unmarshal calls on different records may run
// concurrently.
//
// # Builders and validation
//
// A service that emits events builds them with a Builder's methods
// APICall (with eventCategory Data given, a data event; with eventType
// AwsConsoleAction, a console action), ServiceEvent and ConsoleSignIn (the
// zero Builder, Builder{}, uses the system clock and random UUIDs). Each takes the caller's record by value
// and fills only what the caller left at its zero value: eventVersion
// ("1.11", the newest documented), eventID (Builder.NewID, by default a
// random UUID), eventTime (Builder.Now, converted to UTC and truncated to the
// second; a time the caller set is normalised the same way, the one caller
// field that is changed), eventType and eventCategory from the method,
// managementEvent (false for Data and NetworkActivity), recipientAccountId
// (the identity's account, else the first resource's), readOnly from the API
// name by ReadOnlyAPI (a documented table of read verbs and overrides;
// unknown verbs count as writes), and JSON null for requestParameters and
// responseElements, which CloudTrail always writes. The raw members it is
// given are escaped as CloudTrail writes strings (above). Set Builder.Now and
// Builder.NewID to make fixtures byte-stable.
//
// [Record.IsReadOnly] is the one way to ask whether a record is of a
// read-only call: the readOnly member when present, else the API table
// (ReadOnlyAPI), so records older than the field (before eventVersion 1.02,
// and many until 2018) still answer.
//
// Validate checks a record against the schema and returns a
// *ValidationError that lists every problem at once (each a Problem with the
// field's JSON path, a ProblemCode and a message), its only error, and
// never panics. It checks the fields
// required per event type and eventVersion, the documented enumeration
// values, the eventVersion and eventTime forms, the 256 KB size limit
// (MaxRecordSize, measured on the AppendJSON output), and consistency
// (managementEvent against eventCategory, a resource with both ARN and
// ARNPrefix, Insights-only members). It does not judge opaque values such as
// Regions, IP addresses or account ids, which real logs contain in odd forms.
//
// The subpackage eventtest generates realistic, deterministic activity for
// tests and benchmarks: many services, every identity type, errors, console
// sign-ins, service and data events, daily seasonality, and injected
// anomalies with their ground truth.
package event

// The member tables of the codec (decode switches, encoder key lists, the
// benchmarks' encoding/json mirror) are generated from one field table in
// internal/fieldgen; CI regenerates them and fails on a difference.
//
//go:generate go run ./internal/fieldgen
