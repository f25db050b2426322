package event

import (
	"encoding/json"
	"errors"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/trailkit/trailkit/internal/testenv"
)

// corpusPath returns the real-record corpus, or skips the test when it is absent.
func corpusPath(t testing.TB) string { return testenv.RealData(t, "records.jsonl") }

func validAPICall() *Record {
	tr, f := true, false
	return &Record{
		EventVersion: "1.11",
		UserIdentity: &UserIdentity{
			Type: IdentityAssumedRole, PrincipalID: "AROAEXAMPLEROLE00001:ci", ARN: "arn:aws:sts::444455556666:assumed-role/Ci/ci",
			AccountID: "444455556666",
			SessionContext: &SessionContext{
				SessionIssuer: &SessionIssuer{Type: "Role", PrincipalID: "AROAEXAMPLEROLE00001", ARN: "arn:aws:iam::444455556666:role/Ci", AccountID: "444455556666", UserName: "Ci"},
				Attributes:    &SessionAttributes{CreationDate: "2024-03-05T09:02:11Z", MFAAuthenticated: "false"},
			},
		},
		EventTime:          time.Date(2024, 3, 5, 9, 16, 3, 0, time.UTC),
		EventSource:        "ssm.amazonaws.com",
		EventName:          "PutParameter",
		AWSRegion:          "eu-west-1",
		SourceIPAddress:    "198.51.100.23",
		UserAgent:          "aws-cli/2.15.0",
		RequestParameters:  json.RawMessage(`{"name":"/ci/build"}`),
		ResponseElements:   json.RawMessage(`null`),
		RequestID:          "0f6e2c1a-5b7d-4c33-9a60-2d1b8e4f7a10",
		EventID:            "6c2d9b7e-1f3a-4e58-8c21-9b0e7d4a3f65",
		ReadOnly:           &f,
		EventType:          AwsAPICall,
		ManagementEvent:    &tr,
		RecipientAccountID: "444455556666",
		EventCategory:      CategoryManagement,
	}
}

func validInsight() *Record {
	one, week := int64(1), int64(10080)
	return &Record{
		EventVersion:       "1.08",
		EventTime:          time.Date(2024, 6, 11, 14, 20, 0, 0, time.UTC),
		AWSRegion:          "eu-central-1",
		EventID:            "9a1f3c52-7d4e-4b0a-8e21-5c6d7e8f9012",
		EventType:          AwsCloudTrailInsight,
		RecipientAccountID: "777788889999",
		SharedEventID:      "3e5b7d90-2a4c-4f61-9b83-0d1e2f3a4b5c",
		InsightDetails: &InsightDetails{
			State: InsightStart, EventSource: "secretsmanager.amazonaws.com", EventName: "GetSecretValue",
			InsightType: APIErrorRateInsight, ErrorCode: "AccessDeniedException",
			InsightContext: &InsightContext{
				Statistics:   &InsightStatistics{Baseline: &Average{Average: 0.01}, Insight: &Average{Average: 4.5}, InsightDuration: &one, BaselineDuration: &week},
				Attributions: []Attribution{{Attribute: "userAgent", Insight: []AttributionValue{{Value: "aws-sdk-go-v2/1.24.0", Average: 4.5}}}},
			},
		},
		EventCategory: CategoryInsight,
	}
}

type wantProblem struct {
	field string
	code  ProblemCode
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name string
		base func() *Record
		mut  func(*Record)
		want []wantProblem // exactly these, in any order
	}{
		{"valid api call", validAPICall, func(*Record) {}, nil},
		{"valid insight", validInsight, func(*Record) {}, nil},
		{"valid console sign-in with null requestParameters", validAPICall, func(r *Record) {
			r.EventType, r.EventSource, r.EventName = AwsConsoleSignIn, "signin.amazonaws.com", "ConsoleLogin"
			r.RequestParameters = json.RawMessage("null")
			r.SessionCredentialFromConsole = "true"
		}, nil},
		{"nil record", func() *Record { return nil }, func(*Record) {}, []wantProblem{{"", ProblemMissing}}},
		{"empty record", func() *Record { return &Record{} }, func(*Record) {}, []wantProblem{
			{"eventVersion", ProblemMissing}, {"userIdentity", ProblemMissing}, {"eventTime", ProblemMissing},
			{"eventSource", ProblemMissing}, {"eventName", ProblemMissing}, {"awsRegion", ProblemMissing},
			{"sourceIPAddress", ProblemMissing}, {"requestParameters", ProblemMissing}, {"responseElements", ProblemMissing},
			{"eventID", ProblemMissing}, {"eventType", ProblemMissing}, {"eventCategory", ProblemMissing},
		}},
		{"many problems at once", validAPICall, func(r *Record) {
			r.EventVersion = "1.x"
			r.EventTime = r.EventTime.Add(time.Millisecond)
			r.UserIdentity.Type = "Robot"
			r.EventCategory = "Everything"
			r.ResponseElements = nil
		}, []wantProblem{
			{"eventVersion", ProblemMalformed}, {"eventTime", ProblemMalformed}, {"userIdentity.type", ProblemUnknownValue},
			{"eventCategory", ProblemUnknownValue}, {"responseElements", ProblemMissing},
		}},
		{"nil nested pointers", validAPICall, func(r *Record) {
			r.UserIdentity = &UserIdentity{Type: IdentityRoot, SessionContext: &SessionContext{}}
			r.Addendum = &Addendum{}
			r.ManagementEvent = nil
		}, []wantProblem{{"addendum.reason", ProblemMissing}}},
		{"version missing minor", validAPICall, func(r *Record) { r.EventVersion = "1." }, []wantProblem{{"eventVersion", ProblemMalformed}}},
		{"version no dot", validAPICall, func(r *Record) { r.EventVersion = "111" }, []wantProblem{{"eventVersion", ProblemMalformed}}},
		{"version sign", validAPICall, func(r *Record) { r.EventVersion = "1.+8" }, []wantProblem{{"eventVersion", ProblemMalformed}}},
		{"version unicode digit", validAPICall, func(r *Record) { r.EventVersion = "1.٠٨" }, []wantProblem{{"eventVersion", ProblemMalformed}}},
		{"version major 2", validAPICall, func(r *Record) { r.EventVersion = "2.1" }, []wantProblem{{"eventVersion", ProblemUnknownValue}}},
		{"time not UTC", validAPICall, func(r *Record) { r.EventTime = r.EventTime.In(time.FixedZone("X", 3600)) }, []wantProblem{{"eventTime", ProblemMalformed}}},
		{"time zero-offset zone not UTC", validAPICall, func(r *Record) { r.EventTime = r.EventTime.In(time.FixedZone("GMT", 0)) }, []wantProblem{{"eventTime", ProblemMalformed}}},
		{"time sub-second", validAPICall, func(r *Record) { r.EventTime = r.EventTime.Add(1) }, []wantProblem{{"eventTime", ProblemMalformed}}},
		{"time year 10000", validAPICall, func(r *Record) { r.EventTime = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC) }, []wantProblem{{"eventTime", ProblemMalformed}}},
		{"unknown eventType typo", validAPICall, func(r *Record) { r.EventType = "AwsConsoleSignin" }, []wantProblem{{"eventType", ProblemUnknownValue}}},
		{"unknown identity type", validAPICall, func(r *Record) { r.UserIdentity.Type = "root" }, []wantProblem{{"userIdentity.type", ProblemUnknownValue}}},
		{"missing identity type", validAPICall, func(r *Record) { r.UserIdentity.Type = "" }, []wantProblem{{"userIdentity.type", ProblemMissing}}},
		{"service event identity without type", validAPICall, func(r *Record) {
			r.EventType = AwsServiceEvent
			r.UserIdentity = &UserIdentity{AccountID: "444455556666", InvokedBy: "AWS Internal"}
		}, nil},
		{"unknown session issuer type", validAPICall, func(r *Record) { r.UserIdentity.SessionContext.SessionIssuer.Type = "Group" },
			[]wantProblem{{"userIdentity.sessionContext.sessionIssuer.type", ProblemUnknownValue}}},
		{"mfaAuthenticated bool-ish", validAPICall, func(r *Record) { r.UserIdentity.SessionContext.Attributes.MFAAuthenticated = "True" },
			[]wantProblem{{"userIdentity.sessionContext.attributes.mfaAuthenticated", ProblemUnknownValue}}},
		{"sessionCredentialFromConsole false", validAPICall, func(r *Record) { r.SessionCredentialFromConsole = "false" },
			[]wantProblem{{"sessionCredentialFromConsole", ProblemUnknownValue}}},
		{"unknown addendum reason", validAPICall, func(r *Record) { r.Addendum = &Addendum{Reason: "LATE"} },
			[]wantProblem{{"addendum.reason", ProblemUnknownValue}}},
		{"resource with ARN and ARNPrefix", validAPICall, func(r *Record) {
			r.Resources = []Resource{{ARN: "arn:aws:s3:::b"}, {ARN: "arn:aws:s3:::b/k", ARNPrefix: "arn:aws:s3:::b/"}}
		}, []wantProblem{{"resources[1]", ProblemMalformed}}},
		{"managementEvent contradicts Data", validAPICall, func(r *Record) { r.EventCategory = CategoryData },
			[]wantProblem{{"managementEvent", ProblemInconsistent}}},
		{"managementEvent false for Management", validAPICall, func(r *Record) { f := false; r.ManagementEvent = &f },
			[]wantProblem{{"managementEvent", ProblemInconsistent}}},
		{"category Insight on an API call", validAPICall, func(r *Record) { r.EventCategory = CategoryInsight; r.ManagementEvent = nil },
			[]wantProblem{{"eventCategory", ProblemInconsistent}}},
		{"insightDetails on an API call", validAPICall, func(r *Record) { r.InsightDetails = validInsight().InsightDetails },
			[]wantProblem{{"insightDetails", ProblemNotAllowed}}},
		{"network activity without requestParameters", validAPICall, func(r *Record) {
			r.EventType, r.EventCategory, r.RequestParameters, r.ResponseElements = AwsVpceEvent, CategoryNetworkActivity, nil, nil
			r.ManagementEvent = nil
		}, nil},
		// Old versions: fields are required only from the version that introduced them.
		{"1.0 without eventID, eventType, eventCategory", validAPICall, func(r *Record) {
			r.EventVersion, r.EventID, r.EventType, r.EventCategory, r.RecipientAccountID = "1.0", "", "", "", ""
		}, nil},
		{"1.01 needs eventID", validAPICall, func(r *Record) {
			r.EventVersion, r.EventID, r.EventType, r.EventCategory = "1.01", "", "", ""
		}, []wantProblem{{"eventID", ProblemMissing}}},
		{"1.02 needs eventType", validAPICall, func(r *Record) {
			r.EventVersion, r.EventType, r.EventCategory = "1.02", "", ""
		}, []wantProblem{{"eventType", ProblemMissing}}},
		{"1.06 does not need eventCategory", validAPICall, func(r *Record) { r.EventVersion, r.EventCategory = "1.06", "" }, nil},
		{"1.07 needs eventCategory", validAPICall, func(r *Record) { r.EventVersion, r.EventCategory = "1.07", "" },
			[]wantProblem{{"eventCategory", ProblemMissing}}},
		{"1.10 compares minor as integer", validAPICall, func(r *Record) { r.EventVersion, r.EventCategory = "1.10", "" },
			[]wantProblem{{"eventCategory", ProblemMissing}}},
		{"malformed version judged by newest rules", validAPICall, func(r *Record) { r.EventVersion, r.EventCategory = "one", "" },
			[]wantProblem{{"eventVersion", ProblemMalformed}, {"eventCategory", ProblemMissing}}},
		// Insights.
		{"insight with call fields", validInsight, func(r *Record) {
			tr := true
			r.UserIdentity = &UserIdentity{Type: IdentityRoot}
			r.EventSource, r.EventName, r.SourceIPAddress, r.UserAgent = "ec2.amazonaws.com", "RunInstances", "192.0.2.1", "cli"
			r.RequestParameters, r.ResponseElements, r.ReadOnly, r.ManagementEvent = json.RawMessage("null"), json.RawMessage("null"), &tr, &tr
		}, []wantProblem{
			{"userIdentity", ProblemNotAllowed}, {"eventSource", ProblemNotAllowed}, {"eventName", ProblemNotAllowed},
			{"sourceIPAddress", ProblemNotAllowed}, {"userAgent", ProblemNotAllowed}, {"requestParameters", ProblemNotAllowed},
			{"responseElements", ProblemNotAllowed}, {"readOnly", ProblemNotAllowed}, {"managementEvent", ProblemNotAllowed},
		}},
		{"insight missing its fields", validInsight, func(r *Record) {
			r.InsightDetails, r.SharedEventID, r.RecipientAccountID, r.AWSRegion = nil, "", "", ""
		}, []wantProblem{{"awsRegion", ProblemMissing}, {"sharedEventID", ProblemMissing}, {"insightDetails", ProblemMissing}}},
		{"insight details empty", validInsight, func(r *Record) { r.InsightDetails = &InsightDetails{} }, []wantProblem{
			{"insightDetails.state", ProblemMissing}, {"insightDetails.eventSource", ProblemMissing},
			{"insightDetails.eventName", ProblemMissing}, {"insightDetails.insightType", ProblemMissing},
		}},
		{"insight unknown enums", validInsight, func(r *Record) {
			r.InsightDetails.State, r.InsightDetails.InsightType = "Started", "ApiLatencyInsight"
			r.InsightDetails.InsightContext.Attributions[0].Attribute = "sourceIPAddress"
		}, []wantProblem{
			{"insightDetails.state", ProblemUnknownValue}, {"insightDetails.insightType", ProblemUnknownValue},
			{"insightDetails.insightContext.attributions[0].attribute", ProblemUnknownValue},
		}},
		{"record over 256 KB", validAPICall, func(r *Record) {
			r.RequestParameters = json.RawMessage(`{"policy":"` + strings.Repeat("x", MaxRecordSize) + `"}`)
		}, []wantProblem{{"", ProblemTooLarge}}},
		{"raw member not JSON", validAPICall, func(r *Record) { r.AdditionalEventData = json.RawMessage(`{"MFAUsed":`) },
			[]wantProblem{{"additionalEventData", ProblemMalformed}}},
		{"insight average NaN", validInsight, func(r *Record) { r.InsightDetails.InsightContext.Statistics.Insight.Average = math.NaN() },
			[]wantProblem{{"insightDetails.insightContext.statistics.insight", ProblemMalformed}}},
		{"insight wrong category", validInsight, func(r *Record) { r.EventCategory = CategoryManagement },
			[]wantProblem{{"eventCategory", ProblemInconsistent}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := tt.base()
			if r != nil {
				tt.mut(r)
			}
			err := Validate(r)
			checkProblems(t, err, tt.want)
		})
	}
}

func checkProblems(t *testing.T, err error, want []wantProblem) {
	t.Helper()
	if len(want) == 0 {
		if err != nil {
			t.Fatalf("Validate = %v, want nil", err)
		}
		return
	}
	var ve *ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("Validate = %T, want *ValidationError", err)
	}
	got := map[wantProblem]bool{}
	for _, p := range ve.Problems {
		got[wantProblem{p.Field, p.Code}] = true
		if p.Message == "" {
			t.Errorf("problem %v has no message", p)
		}
	}
	for _, w := range want {
		if !got[w] {
			t.Errorf("missing problem %s/%s in %v", w.field, w.code, err)
		}
		if !hasProblem(ve, w.field, w.code) {
			t.Errorf("Has(%q, %q) = false", w.field, w.code)
		}
	}
	if len(ve.Problems) != len(want) {
		t.Errorf("got %d problems, want %d: %v", len(ve.Problems), len(want), err)
	}
}

func TestValidationErrorMessage(t *testing.T) {
	r := validAPICall()
	r.EventVersion = "x"
	r.UserIdentity.Type = "Robot"
	err := Validate(r)
	want := `event: invalid record "6c2d9b7e-1f3a-4e58-8c21-9b0e7d4a3f65": eventVersion: malformed: eventVersion "x" is not <major>.<minor> in digits; userIdentity.type: unknown-value: unknown identity type "Robot"`
	if err == nil || err.Error() != want {
		t.Errorf("Error() =\n%v\nwant\n%s", err, want)
	}
	if !strings.HasPrefix(Validate(nil).Error(), "event: invalid record: missing: record is nil") {
		t.Errorf("nil record message: %v", Validate(nil))
	}
}

// TestValidateSizeBoundary checks that the limit is on the exact encoded
// length: MaxRecordSize bytes pass, one more fails.
func TestValidateSizeBoundary(t *testing.T) {
	r := validAPICall()
	r.RequestParameters = json.RawMessage(`{"p":""}`)
	base := len(r.AppendJSON(nil))
	pad := MaxRecordSize - base
	r.RequestParameters = json.RawMessage(`{"p":"` + strings.Repeat("y", pad) + `"}`)
	if n := len(r.AppendJSON(nil)); n != MaxRecordSize {
		t.Fatalf("setup: encoded %d bytes, want %d", n, MaxRecordSize)
	}
	if err := Validate(r); err != nil {
		t.Errorf("record of exactly %d bytes: %v", MaxRecordSize, err)
	}
	r.RequestParameters = json.RawMessage(`{"p":"` + strings.Repeat("y", pad+1) + `"}`)
	checkProblems(t, Validate(r), []wantProblem{{"", ProblemTooLarge}})
}

func TestValidateDoesNotAllocateForValidRecords(t *testing.T) {
	r := validAPICall()
	Validate(r) // warm the buffer pool
	if n := testing.AllocsPerRun(100, func() { _ = Validate(r) }); n > 0 {
		t.Errorf("Validate of a valid record allocates %v times", n)
	}
}

// TestValidateCorpus validates every real record. 702 of the 884 are clean;
// the rest lack fields the docs mark Optional=False for their eventVersion,
// which Validate reports rather than hides:
//   - Panther rule-test logs (about 150): hand-trimmed records without
//     responseElements, requestParameters, eventCategory, eventID, …, one
//     with sessionIssuer.type "lambda";
//   - AWS doc samples whose eventVersion was relabelled (1.05 or 1.08) while
//     the body kept an older shape: no eventType (IAM and elastic copies of
//     2014 samples), no eventCategory (KMS guide), one
//     "AwsConsoleSignin" (sic);
//   - 2 real Bedrock records (stratus-red-team) where the service omitted
//     requestParameters and responseElements.
//
// The documented oddities (scrambled regions and IPs, non-12-digit account
// ids, odd tlsVersion values, basic-format creationDate) are never flagged.
func TestValidateCorpus(t *testing.T) {
	path := corpusPath(t)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	prov, err := os.ReadFile(filepath.Join(filepath.Dir(path), "provenance.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	sources := strings.Split(strings.TrimSpace(string(prov)), "\n")[1:] // line, repo, path, …
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	if len(lines) != len(sources) {
		t.Fatalf("%d records, %d provenance lines", len(lines), len(sources))
	}
	clean := 0
	byClass := map[string]int{}
	for i, line := range lines {
		repo := strings.Split(sources[i], "\t")[1]
		var r Record
		if err := Unmarshal([]byte(line), &r); err != nil {
			t.Fatalf("line %d: %v", i+1, err)
		}
		err := Validate(&r)
		if err == nil {
			clean++
			continue
		}
		var ve *ValidationError
		if !errors.As(err, &ve) {
			t.Fatalf("line %d: %T %v", i+1, err, err)
		}
		for _, p := range ve.Problems {
			byClass[repo+" "+p.Field+" "+string(p.Code)]++
			switch {
			case p.Code == ProblemMissing:
			case p.Field == "eventType" && r.EventType == "AwsConsoleSignin":
			case p.Field == "eventTime" && p.Code == ProblemMalformed && strings.HasPrefix(repo, "panther-labs/"):
				// "redacted" and "..." in two hand-edited rule tests.
			case p.Field == "userIdentity.sessionContext.sessionIssuer.type" && strings.HasPrefix(repo, "panther-labs/"):
			default:
				t.Errorf("line %d (%s): unexpected problem %v", i+1, repo, p)
			}
			if repo == "DataDog/stratus-red-team" && (r.EventSource != "bedrock.amazonaws.com" ||
				(p.Field != "requestParameters" && p.Field != "responseElements")) {
				t.Errorf("line %d: real stratus record flagged: %v", i+1, p)
			}
		}
	}
	t.Logf("%d of %d corpus records validate clean", clean, len(lines))
	classes := make([]string, 0, len(byClass))
	for k := range byClass {
		classes = append(classes, k)
	}
	sort.Strings(classes)
	for _, k := range classes {
		t.Logf("%4d %s", byClass[k], k)
	}
	if clean != 702 {
		t.Errorf("%d records validate clean, want 702", clean)
	}
}

// FuzzValidate decodes arbitrary input and validates whatever decodes:
// Validate must not panic, must be deterministic, and every problem it
// reports must carry a known code and a message.
func FuzzValidate(f *testing.F) {
	for _, r := range []*Record{validAPICall(), validInsight(), {}} {
		f.Add(r.AppendJSON(nil))
	}
	f.Add([]byte(`{"eventVersion":"1.0","eventTime":"2014-07-15T21:40:14Z","userIdentity":{"sessionContext":{"attributes":{"mfaAuthenticated":"yes"},"sessionIssuer":{}}}}`))
	f.Add([]byte(`{"eventType":"AwsCloudTrailInsight","insightDetails":{"insightContext":{"attributions":[{"attribute":"x"}]}},"addendum":{}}`))
	f.Add([]byte(`{"resources":[{"ARN":"a","ARNPrefix":"b"}],"sessionCredentialFromConsole":"false","eventVersion":"99999999999999999999.1"}`))
	known := map[ProblemCode]bool{ProblemMissing: true, ProblemEmpty: true, ProblemNotAllowed: true, ProblemUnknownValue: true,
		ProblemMalformed: true, ProblemInconsistent: true, ProblemTooLarge: true}
	f.Fuzz(func(t *testing.T, data []byte) {
		var r Record
		if Unmarshal(data, &r) != nil {
			return
		}
		err := Validate(&r)
		again := Validate(&r)
		if (err == nil) != (again == nil) || (err != nil && err.Error() != again.Error()) {
			t.Fatalf("Validate not deterministic: %v / %v", err, again)
		}
		if err == nil {
			return
		}
		var ve *ValidationError
		if !errors.As(err, &ve) || len(ve.Problems) == 0 {
			t.Fatalf("bad error %T %v", err, err)
		}
		for _, p := range ve.Problems {
			if !known[p.Code] || p.Message == "" {
				t.Fatalf("bad problem %+v", p)
			}
		}
	})
}

// TestValidateAgreesWithRealRecords pins the rules that real records
// showed wrong: each case is a record CloudTrail delivers, and must be
// valid; plus how a present empty string is reported.
func TestValidateAgreesWithRealRecords(t *testing.T) {
	svc := validAPICall()
	svc.EventType, svc.RequestParameters, svc.ResponseElements = AwsServiceEvent, nil, nil
	svc.UserIdentity = &UserIdentity{AccountID: "444455556666", InvokedBy: "batchoperations.s3.amazonaws.com"}
	if err := Validate(svc); err != nil {
		t.Errorf("AwsServiceEvent without requestParameters/responseElements: %v", err)
	}
	ins := validInsight()
	ins.RecipientAccountID = ""
	if err := Validate(ins); err != nil {
		t.Errorf("Insights record without recipientAccountId: %v", err)
	}

	// A required member present as "" is empty, not absent; one present
	// with a value its type cannot hold is malformed.
	var r Record
	in := validAPICall().AppendJSON(nil)
	in = []byte(strings.Replace(string(in), `"eventSource":"ssm.amazonaws.com"`, `"eventSource":""`, 1))
	in = []byte(strings.Replace(string(in), `"eventTime":"2024-03-05T09:16:03Z"`, `"eventTime":"redacted"`, 1))
	in = []byte(strings.Replace(string(in), `"type":"AssumedRole"`, `"type":""`, 1))
	if err := Unmarshal(in, &r); err != nil {
		t.Fatal(err)
	}
	checkProblems(t, Validate(&r), []wantProblem{
		{"userIdentity.type", ProblemEmpty}, {"eventTime", ProblemMalformed}, {"eventSource", ProblemEmpty},
	})
}

// TestValidateDelivered: every record of the log files CloudTrail
// delivered is valid.
func TestValidateDelivered(t *testing.T) {
	n := 0
	for _, f := range deliveredFiles(t) {
		for i, in := range splitRecords(t, f) {
			var r Record
			if err := Unmarshal(in, &r); err != nil {
				t.Fatal(err)
			}
			if err := Validate(&r); err != nil {
				t.Errorf("%s record %d: %v", f.name, i, err)
			}
			n++
		}
	}
	t.Logf("%d delivered records validate clean", n)
}

// hasProblem reports whether e lists a problem with the given field and code.
func hasProblem(e *ValidationError, field string, code ProblemCode) bool {
	for _, p := range e.Problems {
		if p.Field == field && p.Code == code {
			return true
		}
	}
	return false
}
