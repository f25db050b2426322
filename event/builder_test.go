package event

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"testing"
	"time"
)

func fixedBuilder() Builder {
	n := 0
	return Builder{
		Now: func() time.Time {
			return time.Date(2024, 3, 5, 10, 16, 3, 987654321, time.FixedZone("CET", 3600))
		},
		NewID: func() string {
			n++
			return fmt.Sprintf("00000000-0000-4000-8000-%012d", n)
		},
	}
}

func iamUser() *UserIdentity {
	return &UserIdentity{
		Type:        IdentityIAMUser,
		PrincipalID: "AIDAEXAMPLEUSER00001",
		ARN:         "arn:aws:iam::111122223333:user/alice",
		AccountID:   "111122223333",
		UserName:    "alice",
	}
}

func TestBuilderFillsDefaults(t *testing.T) {
	b := fixedBuilder()
	wantTime := time.Date(2024, 3, 5, 9, 16, 3, 0, time.UTC)
	tests := []struct {
		name     string
		build    func(Record) *Record
		in       Record
		typ      EventType
		cat      Category
		mgmt     bool
		readOnly bool
		source   string
		evName   string
	}{
		{"api read", b.APICall, Record{EventSource: "iam.amazonaws.com", EventName: "ListUsers"}, AwsAPICall, CategoryManagement, true, true, "iam.amazonaws.com", "ListUsers"},
		{"api write", b.APICall, Record{EventSource: "ec2.amazonaws.com", EventName: "RunInstances"}, AwsAPICall, CategoryManagement, true, false, "ec2.amazonaws.com", "RunInstances"},
		{"api kms decrypt", b.APICall, Record{EventSource: "kms.amazonaws.com", EventName: "Decrypt"}, AwsAPICall, CategoryManagement, true, true, "kms.amazonaws.com", "Decrypt"},
		{"data read", b.APICall, Record{EventSource: "s3.amazonaws.com", EventName: "GetObject", EventCategory: CategoryData}, AwsAPICall, CategoryData, false, true, "s3.amazonaws.com", "GetObject"},
		{"data write", b.APICall, Record{EventSource: "s3.amazonaws.com", EventName: "PutObject", EventCategory: CategoryData}, AwsAPICall, CategoryData, false, false, "s3.amazonaws.com", "PutObject"},
		{"network activity", b.APICall, Record{EventSource: "s3.amazonaws.com", EventName: "ListBuckets", EventType: AwsVpceEvent, EventCategory: CategoryNetworkActivity}, AwsVpceEvent, CategoryNetworkActivity, false, true, "s3.amazonaws.com", "ListBuckets"},
		{"service", b.ServiceEvent, Record{EventSource: "kms.amazonaws.com", EventName: "RotateKey"}, AwsServiceEvent, CategoryManagement, true, false, "kms.amazonaws.com", "RotateKey"},
		{"service named Get", b.ServiceEvent, Record{EventSource: "x.amazonaws.com", EventName: "GetThing"}, AwsServiceEvent, CategoryManagement, true, false, "x.amazonaws.com", "GetThing"},
		{"signin", b.ConsoleSignIn, Record{}, AwsConsoleSignIn, CategoryManagement, true, false, "signin.amazonaws.com", "ConsoleLogin"},
		{"signin other", b.ConsoleSignIn, Record{EventName: "CheckMfa"}, AwsConsoleSignIn, CategoryManagement, true, false, "signin.amazonaws.com", "CheckMfa"},
		{"console action", b.APICall, Record{EventSource: "health.amazonaws.com", EventName: "DescribeEventAggregates", EventType: AwsConsoleAction}, AwsConsoleAction, CategoryManagement, true, true, "health.amazonaws.com", "DescribeEventAggregates"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.in.UserIdentity = iamUser()
			tt.in.AWSRegion, tt.in.SourceIPAddress = "us-east-1", "192.0.2.10"
			r := tt.build(tt.in)
			if r.EventVersion != "1.11" {
				t.Errorf("eventVersion = %q", r.EventVersion)
			}
			if !regexp.MustCompile(`^00000000-0000-4000-8000-\d{12}$`).MatchString(r.EventID) {
				t.Errorf("eventID = %q", r.EventID)
			}
			if !r.EventTime.Equal(wantTime) || r.EventTime.Location() != time.UTC {
				t.Errorf("eventTime = %v, want %v in UTC", r.EventTime, wantTime)
			}
			if r.EventType != tt.typ || r.EventCategory != tt.cat {
				t.Errorf("type/category = %s/%s", r.EventType, r.EventCategory)
			}
			if r.ManagementEvent == nil || *r.ManagementEvent != tt.mgmt {
				t.Errorf("managementEvent = %v, want %v", r.ManagementEvent, tt.mgmt)
			}
			if r.ReadOnly == nil || *r.ReadOnly != tt.readOnly {
				t.Errorf("readOnly = %v, want %v", r.ReadOnly, tt.readOnly)
			}
			if r.RecipientAccountID != "111122223333" {
				t.Errorf("recipientAccountId = %q", r.RecipientAccountID)
			}
			if string(r.RequestParameters) != "null" || string(r.ResponseElements) != "null" {
				t.Errorf("requestParameters/responseElements = %s/%s, want null/null", r.RequestParameters, r.ResponseElements)
			}
			if r.EventSource != tt.source || r.EventName != tt.evName {
				t.Errorf("source/name = %s/%s", r.EventSource, r.EventName)
			}
			if err := Validate(r); err != nil {
				t.Errorf("built record does not validate: %v", err)
			}
		})
	}
}

func TestBuilderKeepsCallerFields(t *testing.T) {
	b := fixedBuilder()
	f, tr := false, true
	at := time.Date(2023, 1, 2, 3, 4, 5, 0, time.UTC)
	in := Record{
		EventVersion:       "1.08",
		UserIdentity:       iamUser(),
		EventTime:          at,
		EventSource:        "s3.amazonaws.com",
		EventName:          "GetObject",
		EventID:            "caller-id",
		EventType:          AwsConsoleAction,
		EventCategory:      CategoryNetworkActivity,
		ManagementEvent:    &tr,
		ReadOnly:           &f,
		RecipientAccountID: "444455556666",
		RequestParameters:  json.RawMessage(`{"bucketName":"b"}`),
		ResponseElements:   json.RawMessage(`{"x":1}`),
	}
	for name, build := range map[string]func(Record) *Record{
		"APICall": b.APICall, "ServiceEvent": b.ServiceEvent,
		"ConsoleSignIn": b.ConsoleSignIn,
	} {
		r := build(in)
		if r.EventVersion != "1.08" || r.EventID != "caller-id" || !r.EventTime.Equal(at) ||
			r.EventType != AwsConsoleAction || r.EventCategory != CategoryNetworkActivity ||
			r.ManagementEvent != &tr || r.ReadOnly != &f || r.RecipientAccountID != "444455556666" ||
			string(r.RequestParameters) != `{"bucketName":"b"}` || string(r.ResponseElements) != `{"x":1}` ||
			r.EventSource != "s3.amazonaws.com" || r.EventName != "GetObject" {
			t.Errorf("%s changed a caller field: %+v", name, r)
		}
	}
	// The template itself is untouched.
	var tmpl Record
	_ = b.APICall(tmpl)
	if tmpl.EventID != "" || tmpl.ReadOnly != nil || tmpl.RequestParameters != nil {
		t.Errorf("template modified: %+v", tmpl)
	}
}

func TestBuilderNormalisesCallerTime(t *testing.T) {
	b := fixedBuilder()
	in := time.Date(2024, 3, 5, 23, 59, 59, 999999999, time.FixedZone("PST", -8*3600))
	r := b.APICall(Record{EventTime: in, EventName: "ListBuckets"})
	want := time.Date(2024, 3, 6, 7, 59, 59, 0, time.UTC)
	if !r.EventTime.Equal(want) || r.EventTime.Location() != time.UTC {
		t.Errorf("eventTime = %v, want %v", r.EventTime, want)
	}
}

func TestBuilderRecipientFallsBackToResource(t *testing.T) {
	b := fixedBuilder()
	r := b.ServiceEvent(Record{
		UserIdentity: &UserIdentity{InvokedBy: "AWS Internal"},
		Resources:    []Resource{{Type: "AWS::KMS::Key"}, {AccountID: "999988887777", Type: "AWS::KMS::Key"}},
	})
	if r.RecipientAccountID != "999988887777" {
		t.Errorf("recipientAccountId = %q", r.RecipientAccountID)
	}
	r = b.ServiceEvent(Record{})
	if r.RecipientAccountID != "" {
		t.Errorf("recipientAccountId = %q, want empty when nothing names an account", r.RecipientAccountID)
	}
}

func TestBuilderDefaultsUseClockAndUUID(t *testing.T) {
	before := time.Now().Add(-time.Second)
	r1 := Builder{}.APICall(Record{EventName: "ListBuckets"})
	r2 := Builder{}.APICall(Record{EventName: "GetObject", EventCategory: CategoryData})
	after := time.Now().Add(time.Second)
	uuidRE := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	for _, r := range []*Record{r1, r2, Builder{}.ServiceEvent(Record{}), Builder{}.ConsoleSignIn(Record{}), Builder{}.APICall(Record{EventType: AwsConsoleAction})} {
		if !uuidRE.MatchString(r.EventID) {
			t.Errorf("eventID %q is not a v4 UUID", r.EventID)
		}
		if r.EventTime.Before(before) || r.EventTime.After(after) || r.EventTime.Nanosecond() != 0 {
			t.Errorf("eventTime %v not now in whole seconds", r.EventTime)
		}
	}
	if r1.EventID == r2.EventID {
		t.Errorf("two records share eventID %s", r1.EventID)
	}
}

func TestReadOnlyAPI(t *testing.T) {
	tests := map[string]bool{
		"GetObject": true, "Get": true, "ListFunctions20150331": true, "DescribeInstances": true,
		"HeadObject": true, "LookupEvents": true, "BatchGetItem": true, "SearchResources": true,
		"Scan": true, "Query": true, "SelectObjectContent": true, "CheckDomainAvailability": true,
		"EstimateTemplateCost": true, "ValidateTemplate": true, "SimulatePrincipalPolicy": true,
		"FilterLogEvents": true, "DownloadDBLogFilePortion": true,
		"Decrypt": true, "Encrypt": true, "ReEncrypt": true, "GenerateDataKey": true,
		"GenerateDataKeyWithoutPlaintext": true, "GenerateRandom": true, "Sign": true, "Verify": true,
		"AssumeRole": true, "AssumeRoleWithWebIdentity": true, "InvokeModel": true,
		// Writes.
		"GetFederationToken": false, "GetSessionToken": false, "Getaway": false, "CheckoutLicense": false, "Listen": false,
		"PutObject": false, "RunInstances": false, "Invoke": false, "ConsoleLogin": false,
		"BatchWriteItem": false, "DeleteBucket": false, "CreateKey": false, "ScheduleKeyDeletion": false,
		"GenerateCredentialReport": false, "VerifyEmailIdentity": false, "": false, "get": false,
		"TestInvokeMethod": false, "StartQueryExecution": false,
	}
	for name, want := range tests {
		if got := ReadOnlyAPI(name); got != want {
			t.Errorf("ReadOnlyAPI(%q) = %v, want %v", name, got, want)
		}
	}
}

// TestReadOnlyAPIAgainstCorpus measures the rule against the readOnly of real
// records. The corpus holds a few records whose readOnly contradicts the
// service's own (hand-made test stubs); they are listed, and the rule must
// agree with every other record.
func TestReadOnlyAPIAgainstCorpus(t *testing.T) {
	path := corpusPath(t)
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	// Names whose readOnly differs between corpus records or contradicts
	// AWS's documentation; the rule follows the documentation.
	disputed := map[string]bool{
		"AssumeRole":      true, // both true and false in the corpus
		"StartLogging":    true, // a Panther stub says true
		"DescribeTrail":   true, // a Panther stub says false
		"ListWebACLs":     true, // a Panther stub says false
		"DetachUserGroup": true, // a Panther stub says true
		// Service events are readOnly false whatever their name.
	}
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	checked := 0
	for sc.Scan() {
		var r struct {
			EventName string
			EventType string
			ReadOnly  *bool
		}
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatal(err)
		}
		if r.ReadOnly == nil || disputed[r.EventName] || r.EventType != string(AwsAPICall) {
			continue
		}
		checked++
		if got := ReadOnlyAPI(r.EventName); got != *r.ReadOnly {
			t.Errorf("ReadOnlyAPI(%q) = %v, corpus says %v", r.EventName, got, *r.ReadOnly)
		}
	}
	if checked < 300 {
		t.Errorf("only %d records checked", checked)
	}
}

// TestBuilderRoundTrip encodes built records and decodes them again: the
// builders' output is exactly representable.
func TestBuilderRoundTrip(t *testing.T) {
	b := fixedBuilder()
	base := Record{UserIdentity: iamUser(), AWSRegion: "us-east-1", SourceIPAddress: "192.0.2.10", UserAgent: "aws-cli/2.15.0"}
	for name, build := range map[string]func(Record) *Record{
		"APICall": b.APICall, "ServiceEvent": b.ServiceEvent,
		"data event":     func(r Record) *Record { r.EventCategory = CategoryData; return b.APICall(r) },
		"ConsoleSignIn":  b.ConsoleSignIn,
		"console action": func(r Record) *Record { r.EventType = AwsConsoleAction; return b.APICall(r) },
	} {
		in := base
		in.EventSource, in.EventName = "s3.amazonaws.com", "GetObject"
		r := build(in)
		enc := r.AppendJSON(nil)
		var back Record
		if err := Unmarshal(enc, &back); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if again := back.AppendJSON(nil); string(again) != string(enc) {
			t.Errorf("%s: re-encoding differs:\n%s\n%s", name, enc, again)
		}
		if !back.EventTime.Equal(r.EventTime) || *back.ReadOnly != *r.ReadOnly || *back.ManagementEvent != *r.ManagementEvent ||
			back.EventType != r.EventType || back.EventCategory != r.EventCategory || back.EventID != r.EventID ||
			string(back.RequestParameters) != "null" || string(back.ResponseElements) != "null" {
			t.Errorf("%s: decoded record differs: %+v", name, back)
		}
		if err := Validate(&back); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// TestBuilderAndValidateConcurrent runs the default builder and Validate
// from several goroutines (meaningful under -race): eventIDs stay unique.
func TestBuilderAndValidateConcurrent(t *testing.T) {
	const workers, each = 4, 200
	ids := make(chan string, workers*each)
	done := make(chan struct{})
	for range workers {
		go func() {
			defer func() { done <- struct{}{} }()
			for range each {
				r := Builder{}.APICall(Record{UserIdentity: iamUser(), EventSource: "s3.amazonaws.com", EventName: "ListBuckets",
					AWSRegion: "us-east-1", SourceIPAddress: "192.0.2.1"})
				if err := Validate(r); err != nil {
					t.Error(err)
					return
				}
				ids <- r.EventID
			}
		}()
	}
	for range workers {
		<-done
	}
	close(ids)
	seen := map[string]bool{}
	for id := range ids {
		if seen[id] {
			t.Fatalf("duplicate eventID %s", id)
		}
		seen[id] = true
	}
	if len(seen) != workers*each {
		t.Errorf("%d ids", len(seen))
	}
}

// TestBuilderEscapesRawMembers: raw members built in Go (json.Marshal leaves
// ' and = literal) are written the way CloudTrail writes them.
func TestBuilderEscapesRawMembers(t *testing.T) {
	params, _ := json.Marshal(map[string]string{"filter": "name='x' & size>=1", "line": "a\u2028b"})
	r := Builder{}.APICall(Record{EventName: "ListThings", RequestParameters: params, ResponseElements: json.RawMessage(`{"plain":"ok"}`)})
	want := `{"filter":"name\u003d\u0027x\u0027 \u0026 size\u003e\u003d1","line":"a\u2028b"}`
	if string(r.RequestParameters) != want {
		t.Errorf("requestParameters = %s, want %s", r.RequestParameters, want)
	}
	if string(r.ResponseElements) != `{"plain":"ok"}` {
		t.Errorf("responseElements changed: %s", r.ResponseElements)
	}
	var back map[string]string
	if err := json.Unmarshal(r.RequestParameters, &back); err != nil || back["filter"] != "name='x' & size>=1" || back["line"] != "a\u2028b" {
		t.Errorf("escaping changed the meaning: %v %q", err, back)
	}
}

// TestIsReadOnly: the recorded field wins; LookupEvents' string form is
// read; records older than the field fall back to the API table. The
// fallback must agree with what CloudTrail recorded on the real records
// that have the field.
func TestIsReadOnly(t *testing.T) {
	tr, fa := true, false
	cases := []struct {
		name string
		r    Record
		want bool
	}{
		{"recorded true beats a write name", Record{EventName: "PutObject", ReadOnly: &tr}, true},
		{"recorded false beats a read name", Record{EventName: "GetSessionToken", ReadOnly: &fa}, false},
		{"LookupEvents string", Record{EventName: "PutObject", Unknown: Members{{Key: "readOnly", Value: json.RawMessage(`"true"`)}}}, true},
		{"2014 record, read name", Record{EventVersion: "1.01", EventName: "DescribeInstances"}, true},
		{"2014 record, write name", Record{EventVersion: "1.01", EventName: "RunInstances"}, false},
		{"GetSessionToken without the field", Record{EventName: "GetSessionToken"}, false},
		{"no name", Record{}, false},
	}
	for _, c := range cases {
		if got := c.r.IsReadOnly(); got != c.want {
			t.Errorf("%s: IsReadOnly() = %v, want %v", c.name, got, c.want)
		}
	}
}

// TestIsReadOnlyOldDelivered: in the delivered 2014–2018 files, which
// predate or lack readOnly, IsReadOnly answers for every API call.
func TestIsReadOnlyOldDelivered(t *testing.T) {
	reads, writes, noField := 0, 0, 0
	for _, f := range deliveredFiles(t) {
		for _, in := range splitRecords(t, f) {
			var r Record
			if err := Unmarshal(in, &r); err != nil {
				t.Fatal(err)
			}
			if r.ReadOnly == nil {
				noField++
			}
			if r.IsReadOnly() {
				reads++
			} else {
				writes++
			}
		}
	}
	t.Logf("delivered: %d records without readOnly; IsReadOnly: %d read, %d write", noField, reads, writes)
	if noField == 0 || reads == 0 || writes == 0 {
		t.Errorf("expected old records of both kinds: %d without the field, %d read, %d write", noField, reads, writes)
	}
}

// TestReadOnlyAPIAgreesWithCorpus: on the real records that carry
// readOnly, the table IsReadOnly falls back to gives what CloudTrail
// recorded.
func TestReadOnlyAPIAgreesWithCorpus(t *testing.T) {
	agree, n := 0, 0
	for i, line := range codecCorpusLines(t) {
		var r Record
		if err := Unmarshal(line, &r); err != nil {
			t.Fatal(err)
		}
		if r.ReadOnly == nil || r.EventName == "" || r.EventType != AwsAPICall {
			continue
		}
		n++
		if ReadOnlyAPI(r.EventName) == *r.ReadOnly {
			agree++
		} else {
			t.Logf("line %d: %s %s recorded readOnly %v", i+1, r.EventSource, r.EventName, *r.ReadOnly)
		}
	}
	t.Logf("ReadOnlyAPI agrees with %d of %d recorded readOnly values", agree, n)
	if n == 0 || agree*100 < n*97 {
		t.Errorf("ReadOnlyAPI agrees with %d of %d", agree, n)
	}
}
