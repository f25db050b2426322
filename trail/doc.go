// Package trail models a CloudTrail trail's settings and selectors,
// validates them with the service's rules, and decides offline, exactly
// and without allocation, whether the trail records a given event.
//
// # Model and documents
//
// [Trail], [EventSelector], [DataResource], [AdvancedEventSelector],
// [AdvancedFieldSelector] and [InsightSelector] use the CloudTrail API's
// member names as JSON names, so the JSON aws-cli prints loads as is.
// [Parse] (or [ReadAll]) recognises any of aws-cli's documents and returns
// trails: describe-trails ({"trailList":[…]}), get-trail ({"Trail":{…}})
// and single trail objects, get-event-selectors
// ({"TrailARN":…,"EventSelectors"|"AdvancedEventSelectors":[…]}),
// get-insight-selectors, and the bare arrays put-event-selectors takes.
// The members of get-event-selectors' and get-insight-selectors' output are
// Trail fields, so to complete a trail that describe-trails printed
// without its selectors, json.Unmarshal those outputs into it:
//
//	ts, err := trail.Parse(describeTrails)
//	err = json.Unmarshal(getEventSelectors, &ts[0])   // EventSelectors or AdvancedEventSelectors
//	err = json.Unmarshal(getInsightSelectors, &ts[0]) // InsightSelectors
//
// json.Unmarshal into an []EventSelector or []AdvancedEventSelector reads
// the bare arrays, too.
// Unknown members are ignored; malformed JSON, a member of the wrong JSON
// type or an unrecognised shape give a *[LoadError] wrapping
// [ErrMalformed], input over 16 MiB one wrapping [ErrTooLarge]. The trails
// of selector documents have no S3BucketName; validate them with
// ValidateOptions.SelectorsOnly.
//
// Three members are trailkit extensions because the filter needs them and
// the Trail shape lacks them: IsLogging (get-trail-status; nil = logging),
// AccountId (default: the account in TrailARN) and OrganizationAccountIds
// (the member accounts of an organization trail; empty = every account).
//
// # Validation
//
// [Validate] checks every rule of the specification
// (spec/selectors-insights.md §2.2, §2.3, §3.1–§3.6, §4, §5, §7.1) and
// reports all problems at once in a *[ValidationError], which matches
// [ErrInvalidTrail]. Each [Problem] carries the name of the exception
// CloudTrail raises (InvalidEventSelectorsException,
// InvalidTrailNameException, InvalidParameterCombinationException,
// InvalidS3PrefixException, InvalidInsightSelectorsException,
// InvalidSnsTopicNameException, InvalidKmsKeyIdException), a stable rule
// id, the JSON path of the offending member and a message: the service's
// exact text where it is known (Problem.ServiceMessage), trailkit's
// wording otherwise.
//
// The rules, by rule id (exception in brackets; * = the service's exact
// message):
//
//   - Trail settings (skipped with ValidateOptions.SelectorsOnly)
//     [InvalidTrailNameException]: TrailNameTooShort* (< 3),
//     TrailNameTooLong* (> 128), TrailNameStart* and TrailNameEnd* (not a
//     letter or digit), TrailNameCharset* (only A-Z a-z 0-9 . - _),
//     TrailNameAdjacentPunctuation (two of . - _ in a row),
//     TrailNameIPAddress (four dotted numbers); S3KeyPrefixTooLong (> 200
//     characters) [InvalidS3PrefixException]; SnsTopicNameTooLong (> 256)
//     [InvalidSnsTopicNameException]; KmsKeyIdForm (alias/Name, alias ARN,
//     key ARN, key id or mrk- id) [InvalidKmsKeyIdException];
//     MultiRegionWithoutGlobalEvents* [InvalidParameterCombinationException].
//   - BasicAndAdvanced: both kinds set [InvalidParameterCombinationException].
//   - Basic selectors [InvalidEventSelectorsException]:
//     TooManyEventSelectors (> 5), ReadWriteType (not ReadOnly, WriteOnly,
//     All or empty), ExcludeManagementEventSources (only kms and rdsdata),
//     ManagementOffNoDataResources*, DataResourceType (only the three basic
//     types), DataResourceNoValues, DataResourceValue* (not the type's "all"
//     value nor arn:<partition>:s3:::<bucket>/<prefix>,
//     arn:<p>:lambda:<region>:<12 digits>:function:<name>[:<qualifier>] or
//     arn:<p>:dynamodb:<region>:<12 digits>:table/<name>; any "*" is
//     invalid), TooManyDataResources (> 250 values other than "all" values).
//   - Advanced selectors [InvalidEventSelectorsException]:
//     TooManyAdvancedSelectors (only with a cap set), AdvancedNameTooLong
//     (> 1000 runes), NoFieldSelectors, EventCategoryRequired,
//     EventCategoryValue (Management, Data, NetworkActivity),
//     ResourcesTypeRequired (Data), NetworkEventSourceRequired
//     (NetworkActivity), ResourcesTypeRepeated, DuplicateField (any other
//     field twice), FieldName (1–1000 of [\w|\d|\.|_]), UnknownField,
//     FieldNotAllowedForCategory, NoOperator, EmptyOperator,
//     OperatorNotAllowed (eventCategory, readOnly, resources.type, errorCode
//     and NetworkActivity eventSource: Equals only;
//     sessionCredentialFromConsole: Equals or NotEquals; Management
//     eventSource: NotEquals only), SingleValueRequired (eventCategory,
//     resources.type, NetworkActivity eventSource), FieldValue (1–2048
//     runes, no line break), ReadOnlyValue, SessionCredentialValue ("true"),
//     ErrorCodeValue (VpceAccessDenied), ResourcesTypeValue ([ResourceTypes]),
//     ManagementEventSourceValue, NetworkEventSourceValue
//     ([NetworkActivityEventSources]), ResourcesARNForm (Equals/NotEquals
//     value not an ARN of the selected type), TooManyAdvancedValues (> 500
//     values in all), TooManyDataResources (> 250 resources.ARN values).
//     Fields per category: Management: eventCategory, eventSource,
//     readOnly; Data: eventCategory, eventSource, readOnly, eventName,
//     eventType, resources.type, resources.ARN,
//     sessionCredentialFromConsole, userIdentity.arn; NetworkActivity:
//     eventCategory, eventSource, eventName, userIdentity.arn, errorCode,
//     vpcEndpointId.
//   - Insight selectors [InvalidInsightSelectorsException]: InsightType,
//     InsightTypeRepeated, InsightEventCategory (Management or Data),
//     InsightPrerequisite (call rate on management needs write management
//     events logged, error rate any management events, data Insights data
//     events; skipped when the selectors are not known).
//
// # Filter
//
// [Compile] turns a trail into a [Filter]; [Filter.Match] decides in this
// order, and [Filter.Explain] reports which step and which selector and
// condition decided:
//
//  1. Logging: a trail whose IsLogging is false records nothing.
//  2. Category: eventCategory, inferred for records older than 1.07:
//     eventType AwsVpceEvent → NetworkActivity, AwsCloudTrailInsight →
//     Insight, then managementEvent when present (1.06+), then (before
//     1.06) an AWS::S3::Object resource or a Lambda Invoke → Data, else
//     Management. Insight events are never matched by selectors.
//  3. Account: recipientAccountId must be the trail's account or, for an
//     organization trail, a member account. A record without
//     recipientAccountId, or a trail whose account is unknown, passes.
//  4. Region: a single-Region trail takes its home Region only (unknown
//     home Region: every Region). A global service event (eventSource iam,
//     sts through the global endpoint, or cloudfront, with awsRegion
//     us-east-1) needs IncludeGlobalServiceEvents and a trail that is
//     multi-Region or homed in us-east-1. STS calls whose
//     tlsDetails.clientProvidedHostHeader names a Regional endpoint are
//     Regional events.
//  5. Ownership (data events, spec §2.4): a record delivered to an account
//     that is neither the resource owner (the first resources[].accountId)
//     nor the caller (userIdentity.accountId) is not recorded. So a trail
//     that selects another account's bucket records only its own calls on
//     it, and the owner's trail records every caller.
//  6. Selectors, OR'd. Basic (spec §2.5): ReadWriteType against readOnly;
//     management events unless IncludeManagementEvents is false or the
//     source is excluded; data events when a DataResources value matches a
//     resource of the same type: S3 values are prefixes of the object ARN,
//     Lambda values exact, DynamoDB values exact, and "arn:aws:s3",
//     "arn:aws:s3:::", "arn:aws:lambda", "arn:aws:dynamodb" (any partition)
//     match every resource of the type. Basic selectors never select
//     NetworkActivity events. A trail with no selectors at all has the
//     default: all management events. Advanced (spec §3.3): field
//     selectors AND'd; within one, the positive operators (Equals,
//     StartsWith, EndsWith) are OR'd and any value of a negative operator
//     (NotEquals, NotStartsWith, NotEndsWith) that matches excludes;
//     comparisons are exact and case-sensitive. resources.ARN is a
//     resource's ARN, or its ARNPrefix when it has none.
//
// # Choices on the specification's open points
//
// Where CloudTrail's behaviour is not documented (spec §10) trailkit
// chooses as follows; [CompileOptions] and [ValidateOptions] switch to the
// other reading where a user could reasonably want it.
//
//   - DynamoDB basic values (§10.1): exact table ARN match.
//     CompileOptions.DynamoDBTablePrefix makes them prefixes.
//   - "arn:aws:s3:::" (§10.2): accepted as all buckets.
//     ValidateOptions.RejectS3AllColons rejects it.
//   - Narrow S3 prefix vs a bucket-level ARNPrefix (§10.3): compared like
//     an ARN, so "arn:aws:s3:::b/images/" does not match ARNPrefix
//     "arn:aws:s3:::b/". CompileOptions.ARNPrefixOverlap matches it.
//   - Records without readOnly (§10.4): neither ReadOnly nor WriteOnly
//     (nor readOnly Equals) matches them; All does.
//     CompileOptions.AbsentReadOnly can treat them as writes or as reads
//     (both selector kinds alike).
//   - Absent fields (§10.5): fail every positive operator, pass every
//     negative one. CompileOptions.AbsentFieldFailsNegative fails
//     negatives too.
//   - Several resources (§10.5): one resource entry must satisfy every
//     resources.* condition of a selector together.
//     CompileOptions.ResourceFieldsIndependent evaluates each condition
//     over all entries on its own (positive: some entry; negative: no
//     entry).
//   - Case (§10.6): case-sensitive, not configurable (AWS compares ARNs
//     and names exactly everywhere else).
//   - Repeated fields (§10.7): invalid. ValidateOptions.AllowDuplicateFields.
//   - Advanced selector count (§10.8): no cap besides 500 values;
//     ValidateOptions.MaxAdvancedSelectors sets one.
//   - Basic and advanced together (§10.9):
//     InvalidParameterCombinationException; Compile refuses such a trail
//     with the same *ValidationError.
//   - Name length (§10.10): 1000 (service model);
//     ValidateOptions.MaxAdvancedNameLength = 100 applies CloudFormation's.
//   - Global service events outside us-east-1 (§10.17): not modelled;
//     CompileOptions.GlobalServiceEventSources sets which sources count as
//     global.
//   - Trail-name messages (§10.11): moto's wording for length, first and
//     last character, and character set; trailkit's for adjacent
//     punctuation and IP addresses.
//
// Other validation choices: eventCategory and resources.type take exactly
// one Equals value; NetworkActivity eventSource exactly one; the 250
// data-resource quota counts basic values other than the "all" values and
// every resources.ARN value of advanced selectors; resources.ARN Equals and
// NotEquals values must have the ARN form the docs give for the type (S3
// objects: arn:<p>:s3:::<bucket>/<anything>), or for other types be a
// well-formed ARN. Compile does not validate: it compiles what it is given
// (an advanced selector without field selectors matches nothing; one
// without an eventCategory condition admits every category).
//
// [AdvancedEquivalent] converts basic selectors to the advanced selectors
// that record the same events.
//
// A Filter is immutable and safe for concurrent use; Match does not
// allocate.
package trail
