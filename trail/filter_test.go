package trail

import (
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/trailkit/trailkit/event"
)

type filterCase struct {
	name  string
	trail func(*Trail)
	opts  *CompileOptions
	rec   *event.Record
	want  bool
	stage Stage // expected Explain stage
}

func basicSels(s ...EventSelector) func(*Trail) {
	return func(t *Trail) { t.EventSelectors = s; t.HasCustomEventSelectors = true }
}
func advSels(s ...AdvancedEventSelector) func(*Trail) {
	return func(t *Trail) { t.AdvancedEventSelectors = s; t.HasCustomEventSelectors = true }
}
func s3Sel(values ...string) func(*Trail) {
	return basicSels(EventSelector{IncludeManagementEvents: ptr(false),
		DataResources: []DataResource{{Type: "AWS::S3::Object", Values: values}}})
}
func dataSel(typ string, extra ...AdvancedFieldSelector) AdvancedEventSelector {
	return sel(append([]AdvancedFieldSelector{eq(fieldEventCategory, "Data"), eq(fieldResourcesType, typ)}, extra...)...)
}

const S = StageSelectors

func filterCases() []filterCase {
	arnField := AdvancedFieldSelector{Field: fieldResourcesARN,
		StartsWith: []string{"arn:aws:s3:::b/"}, EndsWith: []string{".csv"},
		NotStartsWith: []string{"arn:aws:s3:::b/scratch/"}, NotEquals: []string{"arn:aws:s3:::b/keep.csv"}}
	composite := advSels(dataSel("AWS::S3::Object", arnField))
	return []filterCase{
		// §1 step 1: logging status.
		{"logging", nil, nil, rec(), true, S},
		{"stopped trail", func(t *Trail) { t.IsLogging = ptr(false) }, nil, rec(), false, StageLogging},
		// §1 step 2 / §7: Insight events never match selectors.
		{"insight event", nil, nil, rec(insight), false, StageCategory},
		{"insight event, all-category advanced", advSels(sel(eq(fieldEventCategory, "Insight"))), nil, rec(insight), false, StageCategory},
		{"unknown category", nil, nil, rec(func(r *event.Record) { r.EventCategory = "ConfigurationItem" }), false, StageCategory},
		{"pre-1.07 record inferred Data", basicSels(EventSelector{}), nil, rec(s3Object("b", "k", acctA), func(r *event.Record) { r.EventCategory = "" }), false, S},
		{"pre-1.07 record inferred Management", nil, nil, rec(func(r *event.Record) { r.EventCategory, r.ManagementEvent = "", nil }), true, S},
		// §1 step 3: account scope.
		{"own account", nil, nil, rec(), true, S},
		{"other account", nil, nil, rec(recipient(acctB)), false, StageAccount},
		{"org trail member listed", func(t *Trail) { t.IsOrganizationTrail, t.OrganizationAccountIds = true, []string{acctB} }, nil, rec(recipient(acctB)), true, S},
		{"org trail not a member", func(t *Trail) { t.IsOrganizationTrail, t.OrganizationAccountIds = true, []string{acctB} }, nil, rec(recipient(acctC)), false, StageAccount},
		{"org trail unknown membership", func(t *Trail) { t.IsOrganizationTrail = true }, nil, rec(recipient(acctC)), true, S},
		{"explicit AccountId overrides ARN", func(t *Trail) { t.AccountId = acctB }, nil, rec(recipient(acctB)), true, S},
		{"explicit AccountId rejects ARN account", func(t *Trail) { t.AccountId = acctB }, nil, rec(), false, StageAccount},
		// §1 step 4 / §5: Regions and global service events.
		{"multi-Region other Region", nil, nil, rec(region("eu-west-1")), true, S},
		{"single-Region home", func(t *Trail) { t.IsMultiRegionTrail, t.HomeRegion = false, "eu-west-1" }, nil, rec(region("eu-west-1")), true, S},
		{"single-Region other Region", func(t *Trail) { t.IsMultiRegionTrail, t.HomeRegion = false, "eu-west-1" }, nil, rec(region("us-west-2")), false, StageRegion},
		{"home Region from TrailARN", func(t *Trail) {
			t.IsMultiRegionTrail, t.HomeRegion, t.TrailARN = false, "", "arn:aws:cloudtrail:eu-west-1:"+acctA+":trail/x"
		}, nil, rec(region("us-west-2")), false, StageRegion},
		{"global event, multi-Region with global", nil, nil, rec(src("iam.amazonaws.com", "CreateUser")), true, S},
		{"global event, global off", func(t *Trail) { t.IsMultiRegionTrail, t.IncludeGlobalServiceEvents = false, false }, nil, rec(src("iam.amazonaws.com", "CreateUser")), false, StageRegion},
		{"global event, single-Region us-east-1 with global", func(t *Trail) { t.IsMultiRegionTrail = false }, nil, rec(src("iam.amazonaws.com", "CreateUser")), true, S},
		{"global event, single-Region eu-west-1 with global", func(t *Trail) { t.IsMultiRegionTrail, t.HomeRegion = false, "eu-west-1" }, nil, rec(src("cloudfront.amazonaws.com", "CreateDistribution")), false, StageRegion},
		{"regional STS endpoint is not global", func(t *Trail) { t.IsMultiRegionTrail, t.IncludeGlobalServiceEvents = false, false },
			nil, rec(src("sts.amazonaws.com", "AssumeRole"), func(r *event.Record) {
				r.TLSDetails = &event.TLSDetails{ClientProvidedHostHeader: "sts.us-east-1.amazonaws.com"}
			}), true, S},
		{"global STS endpoint is global", func(t *Trail) { t.IsMultiRegionTrail, t.IncludeGlobalServiceEvents = false, false },
			nil, rec(src("sts.amazonaws.com", "AssumeRole"), func(r *event.Record) {
				r.TLSDetails = &event.TLSDetails{ClientProvidedHostHeader: "sts.amazonaws.com"}
			}), false, StageRegion},
		{"custom global sources", func(t *Trail) { t.IncludeGlobalServiceEvents, t.IsMultiRegionTrail = false, false },
			&CompileOptions{GlobalServiceEventSources: []string{"signin.amazonaws.com"}}, rec(src("signin.amazonaws.com", "ConsoleLogin")), false, StageRegion},
		// §2.4 owner vs caller.
		{"owner's trail, other caller", s3Sel("arn:aws:s3:::bkt/"), nil, rec(s3Object("bkt", "x", acctA), caller(acctB)), true, S},
		{"caller's trail, all S3, other owner", s3Sel("arn:aws:s3"), nil, rec(s3Object("bkt", "x", acctB)), true, S},
		{"caller's trail names other's bucket", s3Sel("arn:aws:s3:::bkt/"), nil, rec(s3Object("bkt", "x", acctB)), true, S},
		{"neither owner nor caller", s3Sel("arn:aws:s3"), nil, rec(s3Object("bkt", "x", acctB), caller(acctC)), false, StageOwnership},
		{"neither owner nor caller, rule off", s3Sel("arn:aws:s3"), &CompileOptions{IgnoreOwnerCaller: true}, rec(s3Object("bkt", "x", acctB), caller(acctC)), true, S},
		{"redacted owner", s3Sel("arn:aws:s3"), nil, rec(s3Object("bkt", "x", ""), caller(acctC)), true, S},
		{"lambda neither owner nor caller", basicSels(EventSelector{DataResources: []DataResource{{Type: "AWS::Lambda::Function", Values: []string{"arn:aws:lambda"}}}}),
			nil, rec(lambdaFn("f", acctB), caller(acctC)), false, StageOwnership},
		// §2.1 defaults and §2.5 basic semantics.
		{"default records management", nil, nil, rec(), true, S},
		{"default skips data", nil, nil, rec(s3Object("b", "k", acctA)), false, S},
		{"default skips network", nil, nil, rec(network("kms.amazonaws.com", "")), false, S},
		{"ReadOnly selector, read", basicSels(EventSelector{ReadWriteType: ReadOnly}), nil, rec(readOnly(true)), true, S},
		{"ReadOnly selector, write", basicSels(EventSelector{ReadWriteType: ReadOnly}), nil, rec(readOnly(false)), false, S},
		{"WriteOnly selector, write", basicSels(EventSelector{ReadWriteType: WriteOnly}), nil, rec(readOnly(false)), true, S},
		{"WriteOnly selector, read", basicSels(EventSelector{ReadWriteType: WriteOnly}), nil, rec(readOnly(true)), false, S},
		{"WriteOnly applies to data", basicSels(EventSelector{ReadWriteType: WriteOnly, DataResources: []DataResource{{Type: "AWS::S3::Object", Values: []string{"arn:aws:s3"}}}}), nil, rec(s3Object("b", "k", acctA), readOnly(true)), false, S},
		{"absent readOnly vs WriteOnly", basicSels(EventSelector{ReadWriteType: WriteOnly}), nil, rec(noReadOnly), false, S},
		{"absent readOnly vs All", basicSels(EventSelector{ReadWriteType: All}), nil, rec(noReadOnly), true, S},
		{"absent readOnly as write", basicSels(EventSelector{ReadWriteType: WriteOnly}), &CompileOptions{AbsentReadOnly: ptr(false)}, rec(noReadOnly), true, S},
		{"absent readOnly as read", basicSels(EventSelector{ReadWriteType: ReadOnly}), &CompileOptions{AbsentReadOnly: ptr(true)}, rec(noReadOnly), true, S},
		{"management excluded", basicSels(EventSelector{IncludeManagementEvents: ptr(false), DataResources: []DataResource{{Type: "AWS::S3::Object", Values: []string{"arn:aws:s3"}}}}), nil, rec(), false, S},
		{"exclude kms", basicSels(EventSelector{ExcludeManagementEventSources: []string{"kms.amazonaws.com"}}), nil, rec(src("kms.amazonaws.com", "Decrypt")), false, S},
		{"exclude kms keeps ec2", basicSels(EventSelector{ExcludeManagementEventSources: []string{"kms.amazonaws.com"}}), nil, rec(), true, S},
		{"OR across basic selectors", basicSels(EventSelector{ReadWriteType: ReadOnly}, EventSelector{ReadWriteType: WriteOnly}), nil, rec(readOnly(false)), true, S},
		{"basic never selects network", basicSels(EventSelector{}), nil, rec(network("kms.amazonaws.com", "")), false, S},
		// §2.3 value matching.
		{"S3 all", s3Sel("arn:aws:s3"), nil, rec(s3Object("any", "k", acctA)), true, S},
		{"S3 all with colons", s3Sel("arn:aws:s3:::"), nil, rec(s3Object("any", "k", acctA)), true, S},
		{"S3 bucket", s3Sel("arn:aws:s3:::bkt/"), nil, rec(s3Object("bkt", "a/b", acctA)), true, S},
		{"S3 other bucket", s3Sel("arn:aws:s3:::bkt/"), nil, rec(s3Object("bkt2", "a", acctA)), false, S},
		{"S3 prefix", s3Sel("arn:aws:s3:::bkt/images"), nil, rec(s3Object("bkt", "images/x.png", acctA)), true, S},
		{"S3 prefix miss", s3Sel("arn:aws:s3:::bkt/images"), nil, rec(s3Object("bkt", "docs/x", acctA)), false, S},
		{"S3 ARNPrefix bucket-level", s3Sel("arn:aws:s3:::bkt/"), nil, rec(s3List("bkt", acctA)), true, S},
		{"S3 narrow prefix vs ARNPrefix", s3Sel("arn:aws:s3:::bkt/images/"), nil, rec(s3List("bkt", acctA)), false, S},
		{"S3 narrow prefix vs ARNPrefix, overlap", s3Sel("arn:aws:s3:::bkt/images/"), &CompileOptions{ARNPrefixOverlap: true}, rec(s3List("bkt", acctA)), true, S},
		{"Lambda exact", basicSels(EventSelector{DataResources: []DataResource{{Type: "AWS::Lambda::Function", Values: []string{"arn:aws:lambda:us-east-1:" + acctA + ":function:helloworld"}}}}),
			nil, rec(lambdaFn("helloworld", acctA)), true, S},
		{"Lambda not prefix", basicSels(EventSelector{DataResources: []DataResource{{Type: "AWS::Lambda::Function", Values: []string{"arn:aws:lambda:us-east-1:" + acctA + ":function:helloworld"}}}}),
			nil, rec(lambdaFn("helloworld2", acctA)), false, S},
		{"Lambda all", basicSels(EventSelector{DataResources: []DataResource{{Type: "AWS::Lambda::Function", Values: []string{"arn:aws:lambda"}}}}), nil, rec(lambdaFn("f", acctA)), true, S},
		{"type must match", basicSels(EventSelector{DataResources: []DataResource{{Type: "AWS::Lambda::Function", Values: []string{"arn:aws:lambda"}}}}), nil, rec(s3Object("b", "k", acctA)), false, S},
		{"DynamoDB exact", basicSels(EventSelector{DataResources: []DataResource{{Type: "AWS::DynamoDB::Table", Values: []string{"arn:aws:dynamodb:us-east-1:" + acctA + ":table/orders"}}}}), nil, rec(ddbTable("orders", false)), true, S},
		{"DynamoDB exact, longer name", basicSels(EventSelector{DataResources: []DataResource{{Type: "AWS::DynamoDB::Table", Values: []string{"arn:aws:dynamodb:us-east-1:" + acctA + ":table/orders"}}}}), nil, rec(ddbTable("orders2", false)), false, S},
		{"DynamoDB prefix option", basicSels(EventSelector{DataResources: []DataResource{{Type: "AWS::DynamoDB::Table", Values: []string{"arn:aws:dynamodb:us-east-1:" + acctA + ":table/orders"}}}}), &CompileOptions{DynamoDBTablePrefix: true}, rec(ddbTable("orders2", false)), true, S},
		{"DynamoDB stream events via table", basicSels(EventSelector{DataResources: []DataResource{{Type: "AWS::DynamoDB::Table", Values: []string{"arn:aws:dynamodb"}}}}), nil, rec(ddbTable("orders", true)), true, S},
		// §3.3 advanced semantics.
		{"composite: StartsWith", composite, nil, rec(s3Object("b", "a.txt", acctA)), true, S},
		{"composite: EndsWith OR'd", composite, nil, rec(s3Object("x", "y.csv", acctA)), true, S},
		{"composite: NotStartsWith drops", composite, nil, rec(s3Object("b", "scratch/z.txt", acctA)), false, S},
		{"composite: NotEquals drops", composite, nil, rec(s3Object("b", "keep.csv", acctA)), false, S},
		{"composite: no positive", composite, nil, rec(s3Object("x", "y.txt", acctA)), false, S},
		{"AND across fields", advSels(dataSel("AWS::S3::Object", eq(fieldReadOnly, "false"))), nil, rec(s3Object("b", "k", acctA), readOnly(true)), false, S},
		{"AND across fields, all hold", advSels(dataSel("AWS::S3::Object", eq(fieldReadOnly, "false"))), nil, rec(s3Object("b", "k", acctA)), true, S},
		{"OR across selectors", advSels(dataSel("AWS::Lambda::Function"), dataSel("AWS::S3::Object")), nil, rec(s3Object("b", "k", acctA)), true, S},
		{"only negatives pass", advSels(sel(eq(fieldEventCategory, "Management"), AdvancedFieldSelector{Field: fieldEventSource, NotEquals: []string{"kms.amazonaws.com"}})), nil, rec(), true, S},
		{"only negatives exclude", advSels(sel(eq(fieldEventCategory, "Management"), AdvancedFieldSelector{Field: fieldEventSource, NotEquals: []string{"kms.amazonaws.com"}})), nil, rec(src("kms.amazonaws.com", "Decrypt")), false, S},
		{"case-sensitive", advSels(dataSel("AWS::S3::Object", AdvancedFieldSelector{Field: fieldResourcesARN, StartsWith: []string{"arn:aws:s3:::BKT/"}})), nil, rec(s3Object("bkt", "k", acctA)), false, S},
		{"ARNPrefix considered", advSels(dataSel("AWS::S3::Object", AdvancedFieldSelector{Field: fieldResourcesARN, StartsWith: []string{"arn:aws:s3:::bkt/"}})), nil, rec(s3List("bkt", acctA)), true, S},
		{"Equals on many values (set)", advSels(sel(eq(fieldEventCategory, "Management"), eq(fieldEventName, "A", "B", "C", "D", "E", "F", "G", "H", "I", "RunInstances"))), nil, rec(), true, S},
		{"NotEquals on many values (set)", advSels(sel(eq(fieldEventCategory, "Management"), AdvancedFieldSelector{Field: fieldEventName, NotEquals: []string{"A", "B", "C", "D", "E", "F", "G", "H", "I", "RunInstances"}})), nil, rec(), false, S},
		{"userIdentity.arn NotStartsWith", advSels(dataSel("AWS::S3::Object", AdvancedFieldSelector{Field: fieldUserIdentityARN, NotStartsWith: []string{"arn:aws:sts::" + acctA + ":assumed-role/ci-"}})),
			nil, rec(s3Object("b", "k", acctA), userARN("arn:aws:sts::"+acctA+":assumed-role/ci-runner/x")), false, S},
		{"eventType NotEquals AwsServiceEvent", advSels(dataSel("AWS::S3::Object", AdvancedFieldSelector{Field: fieldEventType, NotEquals: []string{"AwsServiceEvent"}})),
			nil, rec(s3Object("b", "k", acctA)), true, S},
		{"sessionCredentialFromConsole", advSels(dataSel("AWS::S3::Object", eq(fieldSessionCredentialFromConsole, "true"))), nil,
			rec(s3Object("b", "k", acctA), func(r *event.Record) { r.SessionCredentialFromConsole = "true" }), true, S},
		// §3.3 absent fields (recommendation + switch).
		{"absent field fails positive", advSels(dataSel("AWS::S3::Object", eq(fieldSessionCredentialFromConsole, "true"))), nil, rec(s3Object("b", "k", acctA)), false, S},
		{"absent field passes negative", advSels(dataSel("AWS::S3::Object", AdvancedFieldSelector{Field: fieldUserIdentityARN, NotStartsWith: []string{"arn:aws:iam"}})), nil,
			rec(s3Object("b", "k", acctA), userARN("")), true, S},
		{"absent field fails negative by option", advSels(dataSel("AWS::S3::Object", AdvancedFieldSelector{Field: fieldUserIdentityARN, NotStartsWith: []string{"arn:aws:iam"}})), &CompileOptions{AbsentFieldFailsNegative: true},
			rec(s3Object("b", "k", acctA), userARN("")), false, S},
		{"absent readOnly fails readOnly Equals", advSels(sel(eq(fieldEventCategory, "Management"), eq(fieldReadOnly, "false"))), nil, rec(noReadOnly), false, S},
		{"absent readOnly as write (advanced)", advSels(sel(eq(fieldEventCategory, "Management"), eq(fieldReadOnly, "false"))), &CompileOptions{AbsentReadOnly: ptr(false)}, rec(noReadOnly), true, S},
		// §3.3 multi-resource records (recommendation + switch). The stream
		// record lists a Stream and a Table: type Table with an ARN that only
		// the Stream entry matches.
		{"one resource must satisfy all resources.*", advSels(dataSel("AWS::DynamoDB::Table", AdvancedFieldSelector{Field: fieldResourcesARN, EndsWith: []string{".000"}})), nil, rec(ddbTable("t1", true)), false, S},
		{"resources.* independent", advSels(dataSel("AWS::DynamoDB::Table", AdvancedFieldSelector{Field: fieldResourcesARN, EndsWith: []string{".000"}})), &CompileOptions{ResourceFieldsIndependent: true}, rec(ddbTable("t1", true)), true, S},
		{"negative on one entry, conjunction", advSels(dataSel("AWS::DynamoDB::Table", AdvancedFieldSelector{Field: fieldResourcesARN, NotEndsWith: []string{".000"}})), nil, rec(ddbTable("t1", true)), true, S},
		{"negative on any entry, independent", advSels(dataSel("AWS::DynamoDB::Table", AdvancedFieldSelector{Field: fieldResourcesARN, NotEndsWith: []string{".000"}})), &CompileOptions{ResourceFieldsIndependent: true}, rec(ddbTable("t1", true)), false, S},
		{"resources.type with no resources", advSels(dataSel("AWS::S3::Object")), nil, rec(data), false, S},
		// §3.6 network activity.
		{"network selector", advSels(sel(eq(fieldEventCategory, "NetworkActivity"), eq(fieldEventSource, "kms.amazonaws.com"))), nil, rec(network("kms.amazonaws.com", "")), true, S},
		{"network other source", advSels(sel(eq(fieldEventCategory, "NetworkActivity"), eq(fieldEventSource, "kms.amazonaws.com"))), nil, rec(network("s3.amazonaws.com", "")), false, S},
		{"network denials only, allowed call", advSels(sel(eq(fieldEventCategory, "NetworkActivity"), eq(fieldEventSource, "kms.amazonaws.com"), eq(fieldErrorCode, "VpceAccessDenied"))), nil, rec(network("kms.amazonaws.com", "")), false, S},
		{"network denials only, denied call", advSels(sel(eq(fieldEventCategory, "NetworkActivity"), eq(fieldEventSource, "kms.amazonaws.com"), eq(fieldErrorCode, "VpceAccessDenied"))), nil, rec(network("kms.amazonaws.com", "VpceAccessDenied")), true, S},
		{"network vpcEndpointId NotEquals", advSels(sel(eq(fieldEventCategory, "NetworkActivity"), eq(fieldEventSource, "kms.amazonaws.com"), AdvancedFieldSelector{Field: fieldVPCEndpointID, NotEquals: []string{"vpce-0123456789abcdef0"}})), nil, rec(network("kms.amazonaws.com", "")), false, S},
		{"empty advanced selector matches nothing", advSels(AdvancedEventSelector{Name: "empty"}), nil, rec(), false, S},
		{"management selector skips network", advSels(sel(eq(fieldEventCategory, "Management"))), nil, rec(network("kms.amazonaws.com", "")), false, S},
	}
}

func TestFilterSemantics(t *testing.T) {
	for _, c := range filterCases() {
		t.Run(c.name, func(t *testing.T) {
			tr := baseTrail()
			if c.trail != nil {
				c.trail(tr)
			}
			f, err := Compile(tr, orZero(c.opts))
			if err != nil {
				t.Fatal(err)
			}
			if got := f.Match(c.rec); got != c.want {
				t.Errorf("Match = %v, want %v\n%s", got, c.want, f.Explain(c.rec))
			}
			e := f.Explain(c.rec)
			if e.Recorded != c.want || e.Stage != c.stage {
				t.Errorf("Explain = recorded %v stage %v, want %v %v\n%s", e.Recorded, e.Stage, c.want, c.stage, e)
			}
			if e.Reason == "" {
				t.Error("Explain gave no reason")
			}
		})
	}
}

func TestCompileErrors(t *testing.T) {
	tr := baseTrail()
	tr.EventSelectors = []EventSelector{{}}
	tr.AdvancedEventSelectors = []AdvancedEventSelector{sel(eq(fieldEventCategory, "Management"))}
	_, err := Compile(tr, CompileOptions{})
	var ve *ValidationError
	if !errors.Is(err, ErrInvalidTrail) || !errors.As(err, &ve) || len(ve.Problems) != 1 ||
		ve.Problems[0].Rule != "BasicAndAdvanced" || ve.Problems[0].Exception != "InvalidParameterCombinationException" {
		t.Errorf("both kinds: err = %v", err)
	}
	tr = baseTrail()
	tr.HasCustomEventSelectors = true
	if _, err := Compile(tr, CompileOptions{}); !errors.Is(err, ErrSelectorsNotLoaded) {
		t.Errorf("custom but missing: err = %v", err)
	}
	if _, err := Compile(nil, CompileOptions{}); err == nil {
		t.Error("nil trail compiled")
	}
}

// The filter must not see later edits of the Trail it was compiled from.
func TestCompileCopies(t *testing.T) {
	tr := baseTrail()
	tr.AdvancedEventSelectors = []AdvancedEventSelector{sel(eq(fieldEventCategory, "Management"), AdvancedFieldSelector{Field: fieldEventName, Equals: []string{"RunInstances"}})}
	f, err := Compile(tr, CompileOptions{})
	if err != nil {
		t.Fatal(err)
	}
	tr.AdvancedEventSelectors[0].FieldSelectors[1].Equals[0] = "Other"
	if !f.Match(rec()) {
		t.Error("edit of the trail changed the compiled filter")
	}
}

func TestExplainText(t *testing.T) {
	tr := baseTrail()
	tr.AdvancedEventSelectors = []AdvancedEventSelector{
		{Name: "mgmt minus KMS", FieldSelectors: []AdvancedFieldSelector{eq(fieldEventCategory, "Management"), {Field: fieldEventSource, NotEquals: []string{"kms.amazonaws.com"}}}},
		{Name: "S3 in bkt", FieldSelectors: []AdvancedFieldSelector{eq(fieldEventCategory, "Data"), eq(fieldResourcesType, "AWS::S3::Object"), {Field: fieldResourcesARN, StartsWith: []string{"arn:aws:s3:::bkt/"}}}},
	}
	f, _ := Compile(tr, CompileOptions{})
	e := f.Explain(rec(src("kms.amazonaws.com", "Decrypt")))
	if e.Recorded || len(e.Selectors) != 2 {
		t.Fatalf("got %+v", e)
	}
	v := e.Selectors[0]
	if v.Field != fieldEventSource || v.FieldIndex != 1 || v.Operator != NotEquals || v.Value != "kms.amazonaws.com" {
		t.Errorf("selector 0 verdict %+v", v)
	}
	if v := e.Selectors[1]; v.Field != fieldEventCategory || v.Operator != "" {
		t.Errorf("selector 1 verdict %+v", v)
	}
	s := e.String()
	for _, want := range []string{"not recorded (selectors)", `"mgmt minus KMS"`, `excluded by NotEquals "kms.amazonaws.com"`, `eventCategory "Management" matches none of Equals ["Data"]`} {
		if !strings.Contains(s, want) {
			t.Errorf("Explain text lacks %q:\n%s", want, s)
		}
	}
	e = f.Explain(rec(s3Object("other", "k", acctA)))
	if v := e.Selectors[1]; v.Field != fieldResourcesARN || v.FieldIndex != 2 || !strings.Contains(v.Reason, "arn:aws:s3:::other/k") {
		t.Errorf("resource verdict %+v", v)
	}
	e = f.Explain(rec(s3Object("bkt", "k", acctA)))
	if !e.Recorded || e.Selector != 1 || !strings.Contains(e.String(), `recorded: advanced selector 1 ("S3 in bkt") matched`) {
		t.Errorf("match explanation:\n%s", e)
	}
}

func TestFilterConcurrent(t *testing.T) {
	tr := baseTrail()
	tr.AdvancedEventSelectors = benchSelectors()
	f, err := Compile(tr, CompileOptions{})
	if err != nil {
		t.Fatal(err)
	}
	recs := recordMix(500, 7)
	want := make([]bool, len(recs))
	for i, r := range recs {
		want[i] = f.Match(r)
	}
	done := make(chan bool)
	for g := 0; g < 4; g++ {
		go func() {
			ok := true
			for i, r := range recs {
				if f.Match(r) != want[i] || f.Explain(r).Recorded != want[i] {
					ok = false
				}
			}
			done <- ok
		}()
	}
	for g := 0; g < 4; g++ {
		if !<-done {
			t.Error("concurrent Match disagreed")
		}
	}
}

func TestMatchAllocs(t *testing.T) {
	tr := baseTrail()
	tr.AdvancedEventSelectors = benchSelectors()
	f, _ := Compile(tr, CompileOptions{})
	recs := recordMix(200, 3)
	for _, o := range []*CompileOptions{nil, {ResourceFieldsIndependent: true, ARNPrefixOverlap: true, AbsentFieldFailsNegative: true}} {
		f, _ = Compile(tr, orZero(o))
		if n := testing.AllocsPerRun(20, func() {
			for _, r := range recs {
				f.Match(r)
			}
		}); n != 0 {
			t.Errorf("Match allocates %v per %d records", n, len(recs))
		}
	}
	tr = baseTrail()
	tr.EventSelectors = []EventSelector{{ReadWriteType: WriteOnly, DataResources: []DataResource{{Type: "AWS::S3::Object", Values: []string{"arn:aws:s3:::bkt/"}}}}}
	f, _ = Compile(tr, CompileOptions{})
	if n := testing.AllocsPerRun(20, func() {
		for _, r := range recs {
			f.Match(r)
		}
	}); n != 0 {
		t.Errorf("basic Match allocates %v", n)
	}
}

// Match (the fast path) and Explain (the tracing path) agree on every
// record, for many trails and every combination of the boolean options.
func TestMatchAgreesWithExplain(t *testing.T) {
	recs := recordMix(5000, 13)
	var trails []*Trail
	add := func(mod func(*Trail)) {
		tr := baseTrail()
		mod(tr)
		trails = append(trails, tr)
	}
	add(func(tr *Trail) { tr.AdvancedEventSelectors = benchSelectors() })
	add(func(tr *Trail) {
		tr.AdvancedEventSelectors = []AdvancedEventSelector{
			sel(op(fieldEventCategory, NotEquals, "Management"), op(fieldEventName, StartsWith, "Get", "Put")),
			sel(eq(fieldEventCategory, "Data", "NetworkActivity"), eq(fieldEventCategory, "Data"), op(fieldResourcesARN, NotEndsWith, ".csv")),
			sel(op(fieldUserIdentityARN, EndsWith, "/alice")),
		}
	})
	for _, c := range equivalenceConfigs() {
		c := c
		add(func(tr *Trail) { tr.EventSelectors = c.basic })
		add(func(tr *Trail) { tr.AdvancedEventSelectors = c.advanced })
	}
	for _, c := range filterCases() {
		if c.trail != nil {
			add(c.trail)
		}
	}
	for mask := 0; mask < 64; mask += 5 { // 13 of the 64 combinations, covering each option both ways
		o := &CompileOptions{
			AbsentReadOnly:            []*bool{nil, ptr(false), ptr(true)}[mask%3],
			AbsentFieldFailsNegative:  mask&2 != 0,
			ResourceFieldsIndependent: mask&4 != 0,
			ARNPrefixOverlap:          mask&8 != 0,
			DynamoDBTablePrefix:       mask&16 != 0,
			IgnoreOwnerCaller:         mask&32 != 0,
		}
		for ti, tr := range trails {
			f, err := Compile(tr, orZero(o))
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range recs[ti*37%4000:][:150] {
				if m, e := f.Match(r), f.Explain(r); m != e.Recorded {
					t.Fatalf("options %+v trail %d: Match %v, Explain %v\n%s", o, ti, m, e.Recorded, e)
				}
			}
		}
	}
}

// scribble overwrites, through v (a pointer), every string, bool and
// number reachable in place: slice elements, pointed-to values, struct
// fields. It stands for a caller reusing its slices after Compile.
func scribble(v reflect.Value) {
	switch v.Kind() {
	case reflect.Pointer:
		if !v.IsNil() {
			scribble(v.Elem())
		}
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Field(i).CanSet() {
				scribble(v.Field(i))
			}
		}
	case reflect.Slice:
		for i := range v.Len() {
			scribble(v.Index(i))
		}
	case reflect.String:
		v.SetString("zz-" + v.String())
	case reflect.Bool:
		v.SetBool(!v.Bool())
	}
}

// A compiled Filter shares nothing with the Trail and Options it was
// compiled from: scribbling over every slice, pointer and string of both
// after Compile changes no decision, although compiling the scribbled
// inputs decides differently.
func TestFilterImmutable(t *testing.T) {
	at := func(region string) func(*event.Record) { return func(r *event.Record) { r.AWSRegion = region } }
	recipient := func(a string) func(*event.Record) { return func(r *event.Record) { r.RecipientAccountID = a } }
	source := func(s string) func(*event.Record) { return func(r *event.Record) { r.EventSource = s } }
	recs := []*event.Record{
		rec(at("eu-west-1")),
		rec(at("eu-west-1"), source("kms.amazonaws.com")),
		rec(at("us-east-1"), source("iam.amazonaws.com")),
		rec(at("eu-west-1"), recipient(acctB)),
		rec(at("eu-west-1"), recipient("999988887777")),
		rec(at("eu-west-1"), s3Object("bkt", "k", acctA)),
		rec(at("eu-west-1"), s3Object("other", "k", acctA)),
		rec(at("eu-west-1"), readOnly(true)),
	}
	recs = append(recs, recordMix(200, 3)...)
	decide := func(f *Filter) []bool {
		out := make([]bool, len(recs))
		for i, r := range recs {
			out[i] = f.Match(r)
		}
		return out
	}
	logging := true
	trails := map[string]func() (*Trail, *CompileOptions){
		"basic": func() (*Trail, *CompileOptions) {
			tr := baseTrail()
			// Global service events excluded: whether iam counts as global
			// (CompileOptions.GlobalServiceEventSources) decides its record.
			tr.IncludeGlobalServiceEvents = false
			tr.IsLogging = &logging
			tr.IsOrganizationTrail, tr.OrganizationAccountIds = true, []string{acctB}
			tr.EventSelectors = []EventSelector{{ReadWriteType: All, IncludeManagementEvents: ptr(true),
				ExcludeManagementEventSources: []string{"kms.amazonaws.com"},
				DataResources:                 []DataResource{{Type: "AWS::S3::Object", Values: []string{"arn:aws:s3:::bkt/"}}}}}
			return tr, &CompileOptions{GlobalServiceEventSources: []string{"iam.amazonaws.com"}}
		},
		"advanced": func() (*Trail, *CompileOptions) {
			tr := baseTrail()
			tr.AdvancedEventSelectors = []AdvancedEventSelector{
				{Name: "mgmt", FieldSelectors: []AdvancedFieldSelector{eq(fieldEventCategory, "Management"),
					{Field: fieldEventSource, NotEquals: []string{"kms.amazonaws.com"}},
					{Field: fieldReadOnly, Equals: []string{"false"}}}},
				{Name: "s3", FieldSelectors: []AdvancedFieldSelector{eq(fieldEventCategory, "Data"), eq(fieldResourcesType, "AWS::S3::Object"),
					{Field: fieldResourcesARN, StartsWith: []string{"arn:aws:s3:::bkt/"}}}},
			}
			// Records without readOnly count as reads: scribbling the
			// pointed-to bool must not reach the filter.
			return tr, &CompileOptions{AbsentReadOnly: ptr(true)}
		},
	}
	for name, mk := range trails {
		t.Run(name, func(t *testing.T) {
			tr, opts := mk()
			f, err := Compile(tr, orZero(opts))
			if err != nil {
				t.Fatal(err)
			}
			want := decide(f)
			scribble(reflect.ValueOf(tr))
			scribble(reflect.ValueOf(opts))
			if got := decide(f); !slices.Equal(got, want) {
				t.Errorf("decisions changed after the inputs were edited")
			}
			// The edits matter: the edited inputs compile to another filter.
			if f2, err := Compile(tr, orZero(opts)); err == nil && slices.Equal(decide(f2), want) {
				t.Errorf("scribbling changed no decision; the test proves nothing")
			}
		})
	}
	// The exported tables are copies.
	ResourceTypes()[0] = "zz"
	NetworkActivityEventSources()[0] = "zz"
	if ResourceTypes()[0] != "AWS::DynamoDB::Table" || NetworkActivityEventSources()[0] == "zz" {
		t.Error("a table changed through the slice a caller got")
	}
}
