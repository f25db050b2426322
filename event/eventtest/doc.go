// Package eventtest generates realistic, deterministic CloudTrail activity
// for tests, fixtures and benchmarks.
//
// A [Generator] built from a [Config] ([New], or [MustNew] in code whose
// configuration is fixed) yields records in eventTime order
// ([Generator.Records]) or, without building records, the number of
// records per series per minute ([Generator.Counts]); the two agree
// exactly. The same Config yields the same records, byte for byte, on every
// run and every machine: nothing reads the clock, the global random source
// or map iteration order. A Config that cannot be honoured is an error
// matching [ErrConfig], never a panic of New.
//
// Beside the activity a Config can ask for attacks ([Attack]: a technique
// of the catalogue, [Techniques], executed by one [Actor]), anomalies
// performed by one actor, and records of the caller's own ([Config.Extra])
// mixed into the stream. [Generator.Truth] lists, for every attack and
// anomaly, the records it produced (by eventID), its actor and its time
// span, so that a detection rule can be scored record by record.
//
// # The model
//
// Activity is a set of series ([Generator.Series]): one API (eventSource,
// eventName) in one region of one account, successful calls or one error
// code. The built-in mix covers 28 services (EC2, S3 management and data
// events, IAM, STS, KMS, Lambda, DynamoDB, CloudTrail, CloudWatch and
// CloudWatch Logs, SSM, Secrets Manager, SQS, SNS, RDS, ECS, EKS, ELB, Auto
// Scaling, CloudFormation, ECR, Route 53, Organizations, Athena, Bedrock,
// GuardDuty, Config, console sign-in) with about ten reads to one write,
// a few error series with the codes those services really return
// (AccessDenied, AccessDeniedException, Client.UnauthorizedOperation,
// ThrottlingException, NoSuchEntityException, ParameterNotFound, …) and two
// service events (KMS RotateKey, S3 Batch Operations JobStatusChanged).
// It is replicated over Config.Accounts and Config.Regions, except that
// global services are recorded in us-east-1. The mix's rates are scaled so
// that their sum is Config.Rate; Config.Series add explicit series.
//
// The number of records of series s in minute m is Poisson with mean
//
//	rate(s) · (1 + A·cos(2π(t − 14:00)/24h)) · spike factor   (0 during a drop)
//	  + burst rate                                            (error bursts)
//
// where t is the middle of the minute in UTC and A is Config.Seasonality.
// Each (series, minute) pair draws from its own PCG stream seeded from
// Config.Seed and the series' identity, so an anomaly changes nothing
// outside its window. Within a minute each record gets a uniformly random
// second; records are sorted by time, then by series.
//
// # The records
//
// Records are what CloudTrail would write for the call: eventVersion as
// the service writes it (1.09–1.11), a userIdentity of every documented
// type (Root, IAMUser, AssumedRole with sessionContext and sessionIssuer,
// Role, FederatedUser, Directory, AWSAccount for cross-account calls with a
// sharedEventID, AWSService with invokedBy, IdentityCenterUser with
// onBehalfOf, SAMLUser, WebIdentityUser, Unknown), addresses from the
// documentation ranges (192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24,
// 2001:db8::/32) or the calling service's host name, real user agents
// (aws-cli, the Python, Go, Java and JavaScript SDKs, Terraform, browsers,
// "AWS Internal"), tlsDetails except for service and console callers,
// requestParameters and responseElements as raw JSON (null where
// CloudTrail writes null, always null for failed calls), S3 data events
// with AWS::S3::Object and AWS::S3::Bucket resources and
// additionalEventData, console sign-ins with MFAUsed and occasional
// failures, and readOnly as [event.ReadOnlyAPI] gives it. Every record
// passes [event.Validate].
//
// # Anomalies
//
// A [Spike] multiplies an API's rate, a [Drop] stops it, an [ErrorBurst]
// adds errors of one code at a fixed rate. [Generator.Anomalies] returns
// them with every field resolved. With an [Anomaly.Actor] a Spike's added
// calls and an ErrorBurst's errors are made by that one actor (one
// identity, address and client) from their own random stream, so that the
// rest of the activity is unchanged record for record and the truth lists
// exactly the added records. An ErrorBurst on console sign-ins writes
// failed sign-ins as CloudTrail does: no errorCode, responseElements
// {"ConsoleLogin":"Failure"} and errorMessage "Failed authentication".
//
// # Attacks
//
// The catalogue ([Techniques]) holds attack techniques across the MITRE
// ATT&CK tactics that show in CloudTrail (initial access, execution,
// persistence, privilege escalation, defense evasion — stopping, deleting
// and narrowing a trail among them —, credential access, discovery,
// lateral movement, exfiltration, impact), named as Stratus Red Team names
// its AWS techniques and modelled on its detonation logs: each writes the
// calls one execution makes, in order, with the request parameters, error
// codes and messages, identity shape, readOnly and eventCategory real
// records of those calls have. An attack's records are fixed offsets from
// its start (a brute force's failed sign-ins 25 s apart, say), made by its
// actor from an address the normal traffic never uses (203.0.113.66),
// and merged into the stream after the generated records of the same
// second.
//
// # Speed
//
// Counts costs one Poisson draw per series per minute. Records builds each
// record with two allocations (the record, from a slab, and one string
// holding its ids); the userIdentity, resources, tlsDetails and raw JSON
// values are built once in New and shared between records, which is why
// records must be treated as read-only. BenchmarkRecords measures it
// (go test -run - -bench . ./event/eventtest).
package eventtest
