package eventtest

import (
	"encoding/json"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/trailkit/trailkit/event"
	"github.com/trailkit/trailkit/internal/testenv"
)

// techniqueCalls is what each technique must leave in CloudTrail, written
// from Stratus Red Team's technique pages (and CloudTrail's documentation
// for the few techniques Stratus does not have), independently of the
// catalogue: per record "source name", with " !code" for an API error and
// " !signin-failure" for a failed console sign-in, and "×n" for n
// consecutive records.
var techniqueCalls = map[string][]string{
	"aws.initial-access.console-login-without-mfa":                {"signin ConsoleLogin"},
	"aws.credential-access.console-login-brute-force":             {"signin ConsoleLogin !signin-failure×12", "signin ConsoleLogin"},
	"aws.credential-access.ec2-get-password-data":                 {"ec2 GetPasswordData !Client.UnauthorizedOperation×30"},
	"aws.credential-access.ec2-steal-instance-credentials":        {"ssm DescribeInstanceInformation", "ssm SendCommand", "ssm GetCommandInvocation×3", "sts GetCallerIdentity", "ec2 DescribeInstances"},
	"aws.credential-access.secretsmanager-retrieve-secrets":       {"secretsmanager ListSecrets", "secretsmanager GetSecretValue×20"},
	"aws.credential-access.secretsmanager-batch-retrieve-secrets": {"secretsmanager BatchGetSecretValue×5"},
	"aws.credential-access.ssm-retrieve-securestring-parameters":  {"ssm DescribeParameters×3", "ssm GetParameters×3"},
	"aws.defense-evasion.cloudtrail-stop":                         {"cloudtrail StopLogging"},
	"aws.defense-evasion.cloudtrail-delete":                       {"cloudtrail DeleteTrail"},
	"aws.defense-evasion.cloudtrail-event-selectors":              {"cloudtrail PutEventSelectors"},
	"aws.defense-evasion.cloudtrail-lifecycle-rule":               {"s3 PutBucketLifecycle"},
	"aws.defense-evasion.vpc-remove-flow-logs":                    {"ec2 DeleteFlowLogs"},
	"aws.defense-evasion.dns-delete-logs":                         {"route53resolver DeleteResolverQueryLogConfig"},
	"aws.defense-evasion.organizations-leave":                     {"organizations LeaveOrganization !AccessDenied"},
	"aws.defense-evasion.guardduty-delete-detector":               {"guardduty ListDetectors", "guardduty DeleteDetector"},
	"aws.discovery.ec2-enumerate-from-instance": {"sts GetCallerIdentity", "iam ListRoles", "iam ListUsers", "s3 ListBuckets", "ec2 DescribeInstances",
		"ec2 DescribeVpcs", "ec2 DescribeSecurityGroups", "ec2 DescribeSnapshots", "rds DescribeDBInstances", "lambda ListFunctions20150331",
		"secretsmanager ListSecrets", "guardduty ListDetectors", "cloudtrail DescribeTrails"},
	"aws.discovery.ec2-download-user-data":                   {"ec2 DescribeInstanceAttribute !Client.UnauthorizedOperation×15"},
	"aws.execution.ec2-user-data":                            {"ec2 StopInstances", "ec2 ModifyInstanceAttribute", "ec2 StartInstances"},
	"aws.execution.ssm-start-session":                        {"ssm StartSession×3", "ssm TerminateSession×3"},
	"aws.lateral-movement.ec2-instance-connect":              {"ec2-instance-connect SendSSHPublicKey×3"},
	"aws.exfiltration.ec2-share-ami":                         {"ec2 ModifyImageAttribute"},
	"aws.exfiltration.ec2-share-ebs-snapshot":                {"ec2 ModifySnapshotAttribute"},
	"aws.exfiltration.rds-share-snapshot":                    {"rds ModifyDBSnapshotAttribute"},
	"aws.exfiltration.s3-backdoor-bucket-policy":             {"s3 PutBucketPolicy"},
	"aws.impact.s3-ransomware-batch-deletion":                {"s3 ListObjects", "s3 DeleteObjects×5"},
	"aws.impact.kms-schedule-key-deletion":                   {"kms DisableKey", "kms ScheduleKeyDeletion"},
	"aws.persistence.iam-backdoor-user":                      {"iam CreateAccessKey"},
	"aws.persistence.iam-backdoor-role":                      {"iam UpdateAssumeRolePolicy"},
	"aws.persistence.iam-create-admin-user":                  {"iam CreateUser", "iam AttachUserPolicy", "iam CreateAccessKey"},
	"aws.persistence.iam-create-user-login-profile":          {"iam CreateLoginProfile"},
	"aws.persistence.lambda-backdoor-function":               {"lambda AddPermission20150331v2"},
	"aws.persistence.lambda-overwrite-code":                  {"lambda UpdateFunctionCode20150331v2"},
	"aws.persistence.rolesanywhere-create-trust-anchor":      {"rolesanywhere CreateTrustAnchor", "rolesanywhere CreateProfile"},
	"aws.persistence.sts-federation-token":                   {"sts GetFederationToken"},
	"aws.privilege-escalation.iam-update-user-login-profile": {"iam UpdateLoginProfile"},
	"aws.privilege-escalation.iam-attach-admin-policy":       {"iam PutUserPolicy !AccessDenied", "iam AttachUserPolicy"},
}

func expand(calls []string) []string {
	var out []string
	for _, c := range calls {
		n := 1
		if i := strings.Index(c, "×"); i >= 0 {
			for _, d := range c[i+len("×"):] {
				n = n*10 + int(d-'0')
			}
			n -= pow10(len(c[i+len("×"):]))
			c = c[:i]
		}
		for range n {
			out = append(out, c)
		}
	}
	return out
}

func pow10(n int) int {
	p := 1
	for range n {
		p *= 10
	}
	return p
}

// describe is a record in techniqueCalls' notation.
func describe(r *event.Record) string {
	s := strings.TrimSuffix(r.EventSource, ".amazonaws.com") + " " + r.EventName
	switch {
	case r.ErrorCode != "":
		s += " !" + r.ErrorCode
	case string(r.ResponseElements) == `{"ConsoleLogin":"Failure"}`:
		s += " !signin-failure"
	}
	return s
}

// realShapes returns, per "source name", the real records of the corpus.
func realShapes(t *testing.T) map[string][]map[string]any {
	path, err := testenv.RealDataPath("records.jsonl")
	if err != nil {
		if os.Getenv(testenv.RequireEnv) == "1" {
			t.Fatalf("%s=1 but the corpus is missing: %v", testenv.RequireEnv, err)
		}
		t.Logf("no comparison with real records: %v", err)
		return nil
	}
	out := map[string][]map[string]any{}
	for _, l := range testenv.RecordLines(t) {
		var m map[string]any
		if err := json.Unmarshal(l, &m); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		src, _ := m["eventSource"].(string)
		name, _ := m["eventName"].(string)
		out[src+" "+name] = append(out[src+" "+name], m)
	}
	return out
}

// TestTechniques runs every technique of the catalogue inside normal
// traffic and checks its records: the calls listed in techniqueCalls, in
// order, with their failure semantics; every record passes event.Validate;
// readOnly, eventType, eventCategory and managementEvent agree with real
// records of the same call in the corpus, and requestParameters use only
// keys real records use; the truth lists exactly the records made from the
// actor's address (which the normal traffic never uses).
func TestTechniques(t *testing.T) {
	cat := Techniques()
	if len(cat) < 20 {
		t.Fatalf("%d techniques, want at least 20", len(cat))
	}
	tactics := map[string]bool{}
	for i, tech := range cat {
		tactics[tech.Tactic] = true
		if i > 0 && cat[i-1].ID >= tech.ID {
			t.Errorf("catalogue not sorted by unique ID: %s before %s", cat[i-1].ID, tech.ID)
		}
	}
	for _, want := range []string{"Initial Access", "Persistence", "Privilege Escalation", "Defense Evasion", "Credential Access", "Discovery", "Exfiltration", "Impact"} {
		if !tactics[want] {
			t.Errorf("no technique of tactic %s", want)
		}
	}
	if len(techniqueCalls) != len(cat) {
		t.Errorf("techniqueCalls has %d techniques, the catalogue %d", len(techniqueCalls), len(cat))
	}
	real := realShapes(t)
	start := time.Date(2024, 3, 5, 12, 0, 0, 0, time.UTC)
	for _, tech := range cat {
		t.Run(tech.ID, func(t *testing.T) {
			t.Parallel()
			if tech.Doc == "" || !strings.HasPrefix(tech.TacticID, "TA") || !strings.HasPrefix(tech.TechniqueID, "T1") ||
				!strings.HasPrefix(tech.ID, "aws."+strings.ReplaceAll(strings.ToLower(tech.Tactic), " ", "-")+".") {
				t.Errorf("incomplete or inconsistent entry: %+v", tech)
			}
			at := start.Add(17*time.Minute + 13*time.Second)
			g := MustNew(Config{Seed: 9, Start: start, Duration: 25 * time.Minute, Rate: 150, Regions: []string{"eu-west-1", "us-east-1"},
				Accounts: []string{"111122223333", "444455556666"},
				Attacks:  []Attack{{Technique: tech.ID, Start: at}}})
			truth := g.Truth()
			if len(truth) != 1 || truth[0].Kind != "attack" || truth[0].Name != tech.ID || truth[0].TechniqueID != tech.TechniqueID {
				t.Fatalf("truth: %+v", truth)
			}
			tr := truth[0]
			if tr.Actor.SourceIPAddress != defaultActorIP || tr.Actor.Identity == nil || string(tr.Actor.Identity.Type) != tech.Identity {
				t.Errorf("actor %+v, identity type want %s", tr.Actor, tech.Identity)
			}
			var mine []*event.Record
			actors := map[string]bool{}
			var prev time.Time
			for r := range g.Records() {
				if r.EventTime.Before(prev) {
					t.Fatalf("records out of order at %s", r.EventTime)
				}
				prev = r.EventTime
				if r.SourceIPAddress == defaultActorIP {
					mine = append(mine, r)
				} else if r.UserIdentity != nil {
					actors[r.UserIdentity.ARN+r.UserIdentity.PrincipalID] = true
				}
			}
			if len(actors) < 10 {
				t.Errorf("normal traffic from only %d principals", len(actors))
			}
			var got, ids []string
			for _, r := range mine {
				got = append(got, describe(r))
				ids = append(ids, r.EventID)
				if err := event.Validate(r); err != nil {
					t.Errorf("%s: %v", r.EventName, err)
				}
				if r.RecipientAccountID != "111122223333" {
					t.Errorf("%s: recipient %s", r.EventName, r.RecipientAccountID)
				}
				global := strings.HasPrefix(r.EventSource, "iam.") || strings.HasPrefix(r.EventSource, "signin.") || strings.HasPrefix(r.EventSource, "organizations.")
				if want := map[bool]string{true: "us-east-1", false: "eu-west-1"}[global]; r.AWSRegion != want {
					t.Errorf("%s in %s, want %s", r.EventName, r.AWSRegion, want)
				}
				checkAgainstReal(t, r, real[r.EventSource+" "+r.EventName])
			}
			if want := expand(techniqueCalls[tech.ID]); !slices.Equal(got, want) {
				t.Errorf("calls\n got %q\nwant %q", got, want)
			}
			if !slices.Equal(ids, tr.EventIDs) {
				t.Errorf("truth lists %d records, the actor made %d", len(tr.EventIDs), len(ids))
			}
			if len(mine) > 0 && (!tr.First.Equal(mine[0].EventTime) || !tr.Last.Equal(mine[len(mine)-1].EventTime) || !tr.First.Equal(at)) {
				t.Errorf("truth span %s–%s, records %s–%s", tr.First, tr.Last, mine[0].EventTime, mine[len(mine)-1].EventTime)
			}
		})
	}
}

var callerRE = regexp.MustCompile(`User: \S+ is not`)

func norm(msg string) string {
	msg = callerRE.ReplaceAllString(msg, "User: {arn} is not")
	if i := strings.Index(msg, " on resource: arn:aws:ec2:"); i >= 0 {
		msg = msg[:i]
	}
	return msg
}

// checkAgainstReal compares r with real records of the same call.
func checkAgainstReal(t *testing.T, r *event.Record, real []map[string]any) {
	t.Helper()
	if r.EventType == event.AwsConsoleSignIn {
		if r.ErrorCode != "" || r.ReadOnly == nil || *r.ReadOnly {
			t.Errorf("sign-in: errorCode %q readOnly %v", r.ErrorCode, r.ReadOnly)
		}
		if f := string(r.ResponseElements) == `{"ConsoleLogin":"Failure"}`; f != (r.ErrorMessage == "Failed authentication") {
			t.Errorf("sign-in: responseElements %s with errorMessage %q", r.ResponseElements, r.ErrorMessage)
		}
	}
	if r.ErrorCode != "" && (string(r.ResponseElements) != "null" || r.ErrorMessage == "") {
		t.Errorf("%s failed with %s but responseElements %s, errorMessage %q", r.EventName, r.ErrorCode, r.ResponseElements, r.ErrorMessage)
	}
	keys := map[string]bool{}
	for _, m := range real {
		if ro, ok := m["readOnly"].(bool); ok {
			if ro != *r.ReadOnly {
				t.Errorf("%s readOnly %v, real records %v", r.EventName, *r.ReadOnly, ro)
			}
		}
		if c, ok := m["eventCategory"].(string); ok && c != string(r.EventCategory) {
			t.Errorf("%s eventCategory %s, real %s", r.EventName, r.EventCategory, c)
		}
		if p, ok := m["requestParameters"].(map[string]any); ok {
			for k := range p {
				keys[strings.ToLower(k)] = true // S3 wrote "host" before it wrote "Host"
			}
		}
		if code, _ := m["errorCode"].(string); code != "" && code == r.ErrorCode {
			// The same text, but for the caller (anonymised differently in
			// the corpus's text and identity) and what follows "on
			// resource" (the instance, an encoded message).
			msg, _ := m["errorMessage"].(string)
			if norm(msg) != norm(r.ErrorMessage) {
				t.Errorf("%s %s message\n got %q\nreal %q", r.EventName, code, r.ErrorMessage, msg)
			}
		}
	}
	if len(keys) > 0 && string(r.RequestParameters) != "null" {
		var p map[string]any
		if err := json.Unmarshal(r.RequestParameters, &p); err != nil {
			t.Fatal(err)
		}
		for k := range p {
			// S3 writes Host in every request, and DeleteObjects' ?delete
			// sub-resource as it writes ?policy and ?lifecycle ("policy":
			// "", "lifecycle": ""); the corpus's one DeleteObjects has
			// neither.
			if !keys[strings.ToLower(k)] && (r.EventName != "DeleteObjects" || (k != "delete" && k != "Host")) {
				t.Errorf("%s requestParameters.%s: no real record has it (real: %v)", r.EventName, k, keys)
			}
		}
	}
}
