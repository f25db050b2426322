package metricfilter

import (
	"fmt"
	"strings"
	"time"
)

// Filter is a metric filter: a pattern and the metric it publishes
// (PutMetricFilter's filterPattern and metricTransformations).
type Filter struct {
	// Name is the filter's and its metric's name.
	Name string
	// Pattern selects the log events.
	Pattern *Pattern
	// Value is published for each matching event; the zero value is 1.
	Value MetricValue
	// DefaultValue, when set, is published for each log event the pattern
	// does not match (metricTransformations[].defaultValue), so periods
	// with events but no match have a datapoint instead of none.
	DefaultValue *float64
	// Control is the CIS AWS Foundations Benchmark control the filter
	// implements ("4.1"), or "" for filters of your own.
	Control string
	// Title is the control's recommendation, or a description.
	Title string
}

// cisControl is one monitoring control; pattern120 is "" when v1.2.0 has no
// such control, and pattern140 "" when v1.4.0 kept the v1.2.0 pattern.
type cisControl struct {
	n                      int // the number within the monitoring section
	name, title            string
	pattern120, pattern140 string
}

// eventNames is ($.eventName = A) || ($.eventName = B) ...
func eventNames(names ...string) string {
	var b strings.Builder
	for i, n := range names {
		if i > 0 {
			b.WriteString(" || ")
		}
		fmt.Fprintf(&b, "($.eventName = %s)", n)
	}
	return b.String()
}

// The controls of the monitoring section, with the patterns the benchmark
// documents in each control's remediation. v1.2.0 numbers them 3.n, v1.4.0
// 4.n. Where v1.4.0 changed the pattern it is given separately.
var cisControls = []cisControl{
	{1, "UnauthorizedAPICalls", "Ensure a log metric filter and alarm exist for unauthorized API calls",
		`{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") }`,
		// As published: && binds tighter than ||, so the two exclusions
		// apply to AccessDenied* only.
		`{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") && ($.sourceIPAddress != "delivery.logs.amazonaws.com") && ($.eventName != "HeadBucket") }`},
	{2, "NoMFAConsoleSignin", "Ensure a log metric filter and alarm exist for Management Console sign-in without MFA",
		`{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") }`,
		// v1.4.0's variant for accounts that also sign in through SSO: only
		// successful IAM user sign-ins count.
		`{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") && ($.userIdentity.type = "IAMUser") && ($.responseElements.ConsoleLogin = "Success") }`},
	{3, "RootAccountUsage", `Ensure a log metric filter and alarm exist for usage of "root" account`,
		`{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }`, ""},
	{4, "IAMPolicyChanges", "Ensure a log metric filter and alarm exist for IAM policy changes",
		"{ " + eventNames("DeleteGroupPolicy", "DeleteRolePolicy", "DeleteUserPolicy", "PutGroupPolicy", "PutRolePolicy", "PutUserPolicy",
			"CreatePolicy", "DeletePolicy", "CreatePolicyVersion", "DeletePolicyVersion", "AttachRolePolicy", "DetachRolePolicy",
			"AttachUserPolicy", "DetachUserPolicy", "AttachGroupPolicy", "DetachGroupPolicy") + " }", ""},
	{5, "CloudTrailChanges", "Ensure a log metric filter and alarm exist for CloudTrail configuration changes",
		"{ " + eventNames("CreateTrail", "UpdateTrail", "DeleteTrail", "StartLogging", "StopLogging") + " }", ""},
	{6, "ConsoleSigninFailures", "Ensure a log metric filter and alarm exist for AWS Management Console authentication failures",
		`{ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication") }`, ""},
	{7, "DisableOrDeleteCMK", "Ensure a log metric filter and alarm exist for disabling or scheduled deletion of customer created CMKs",
		`{ ($.eventSource = kms.amazonaws.com) && (($.eventName = DisableKey) || ($.eventName = ScheduleKeyDeletion)) }`, ""},
	{8, "S3BucketPolicyChanges", "Ensure a log metric filter and alarm exist for S3 bucket policy changes",
		"{ ($.eventSource = s3.amazonaws.com) && (" + eventNames("PutBucketAcl", "PutBucketPolicy", "PutBucketCors", "PutBucketLifecycle",
			"PutBucketReplication", "DeleteBucketPolicy", "DeleteBucketCors", "DeleteBucketLifecycle", "DeleteBucketReplication") + ") }", ""},
	{9, "AWSConfigChanges", "Ensure a log metric filter and alarm exist for AWS Config configuration changes",
		"{ ($.eventSource = config.amazonaws.com) && (" + eventNames("StopConfigurationRecorder", "DeleteDeliveryChannel",
			"PutDeliveryChannel", "PutConfigurationRecorder") + ") }", ""},
	{10, "SecurityGroupChanges", "Ensure a log metric filter and alarm exist for security group changes",
		"{ " + eventNames("AuthorizeSecurityGroupIngress", "AuthorizeSecurityGroupEgress", "RevokeSecurityGroupIngress",
			"RevokeSecurityGroupEgress", "CreateSecurityGroup", "DeleteSecurityGroup") + " }", ""},
	{11, "NACLChanges", "Ensure a log metric filter and alarm exist for changes to Network Access Control Lists (NACL)",
		"{ " + eventNames("CreateNetworkAcl", "CreateNetworkAclEntry", "DeleteNetworkAcl", "DeleteNetworkAclEntry",
			"ReplaceNetworkAclEntry", "ReplaceNetworkAclAssociation") + " }", ""},
	{12, "NetworkGatewayChanges", "Ensure a log metric filter and alarm exist for changes to network gateways",
		"{ " + eventNames("CreateCustomerGateway", "DeleteCustomerGateway", "AttachInternetGateway", "CreateInternetGateway",
			"DeleteInternetGateway", "DetachInternetGateway") + " }", ""},
	{13, "RouteTableChanges", "Ensure a log metric filter and alarm exist for route table changes",
		"{ " + eventNames("CreateRoute", "CreateRouteTable", "ReplaceRoute", "ReplaceRouteTableAssociation", "DeleteRouteTable",
			"DeleteRoute", "DisassociateRouteTable") + " }",
		// v1.4.0 restricts the same names to EC2.
		"{ ($.eventSource = ec2.amazonaws.com) && (" + eventNames("CreateRoute", "CreateRouteTable", "ReplaceRoute",
			"ReplaceRouteTableAssociation", "DeleteRouteTable", "DeleteRoute", "DisassociateRouteTable") + ") }"},
	{14, "VPCChanges", "Ensure a log metric filter and alarm exist for VPC changes",
		"{ " + eventNames("CreateVpc", "DeleteVpc", "ModifyVpcAttribute", "AcceptVpcPeeringConnection", "CreateVpcPeeringConnection",
			"DeleteVpcPeeringConnection", "RejectVpcPeeringConnection", "AttachClassicLinkVpc", "DetachClassicLinkVpc",
			"DisableVpcClassicLink", "EnableVpcClassicLink") + " }", ""},
	{15, "OrganizationsChanges", "Ensure AWS Organizations changes are monitored", "",
		`{ ($.eventSource = organizations.amazonaws.com) && (` + eventNames(`"AcceptHandshake"`, `"AttachPolicy"`, `"CreateAccount"`,
			`"CreateOrganizationalUnit"`, `"CreatePolicy"`, `"DeclineHandshake"`, `"DeleteOrganization"`, `"DeleteOrganizationalUnit"`,
			`"DeletePolicy"`, `"DetachPolicy"`, `"DisablePolicyType"`, `"EnablePolicyType"`, `"InviteAccountToOrganization"`,
			`"LeaveOrganization"`, `"MoveAccount"`, `"RemoveAccountFromOrganization"`, `"UpdatePolicy"`, `"UpdateOrganizationalUnit"`) + `) }`},
}

// CIS120 returns the monitoring section of the CIS AWS Foundations
// Benchmark v1.2.0 (controls 3.1-3.14), in control order: for each control
// its metric filter (publishing 1 per matching event, with the control's
// number, recommendation and the pattern of its remediation) and the alarm
// the remediation creates on it (see CIS140).
func CIS120() []Alarm { return cis(false) }

// CIS140 returns the monitoring section of the CIS AWS Foundations
// Benchmark v1.4.0 (controls 4.1-4.15), in control order: for each control
// its metric filter (publishing 1 per matching event, with the control's
// number, recommendation and the pattern of its remediation) and the alarm
// the remediation creates on it: statistic Sum, period 300 s, threshold 1,
// GreaterThanOrEqualToThreshold, one evaluation period. The benchmark
// leaves missing data at CloudWatch's default (missing), under which a
// quiet metric goes to INSUFFICIENT_DATA; these alarms treat missing data
// as notBreaching so that they return to OK when the activity stops.
//
// The patterns are the benchmark's. v1.4.0 changed three of v1.2.0's: 4.1
// excludes AccessDenied errors of CloudWatch Logs' delivery
// (sourceIPAddress delivery.logs.amazonaws.com) and of HeadBucket; 4.2
// counts only successful IAM-user sign-ins (the benchmark gives this as the
// variant for accounts using SSO; accounts without SSO keep v1.2.0's
// pattern, which is CIS120's 3.2); 4.13 requires eventSource
// ec2.amazonaws.com. 4.15 (AWS Organizations) is new in v1.4.0.
func CIS140() []Alarm { return cis(true) }

func cis(v140 bool) []Alarm {
	var out []Alarm
	for _, c := range cisControls {
		pat, ctl := c.pattern120, fmt.Sprintf("3.%d", c.n)
		if v140 {
			pat, ctl = c.pattern140, fmt.Sprintf("4.%d", c.n)
			if pat == "" {
				pat = c.pattern120
			}
		}
		if pat == "" {
			continue
		}
		f := Filter{Name: c.name, Pattern: mustCompile(pat), Control: ctl, Title: c.title}
		out = append(out, Alarm{Filter: f, Statistic: Sum, Period: 5 * time.Minute, Threshold: 1,
			Comparison: GreaterThanOrEqualToThreshold, EvaluationPeriods: 1, TreatMissingData: NotBreaching})
	}
	return out
}
