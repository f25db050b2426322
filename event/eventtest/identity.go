package eventtest

import (
	"encoding/json"
	"hash/fnv"

	"github.com/trailkit/trailkit/event"
)

// principal is one caller: a userIdentity element shared by every record it
// makes, with the clients (user agents) and addresses it calls from.
type principal struct {
	id      *event.UserIdentity
	arn     string // for error messages; falls back to the principalId
	agents  []string
	ips     []string
	console bool // console session: sessionCredentialFromConsole "true", no tlsDetails
	service bool // a service principal: sourceIPAddress and userAgent are its host, no tlsDetails
	cross   bool // a caller from another account: the record gets a sharedEventID
	// signIn is additionalEventData for a console sign-in by this principal.
	signIn json.RawMessage
}

// User agents, as real clients send them.
var (
	agentCLI       = "aws-cli/2.15.30 md/awscrt#0.19.19 ua/2.0 os/linux#6.5.0-1016-aws md/arch#x86_64 lang/python#3.11.8 md/pyimpl#CPython cfg/retry-mode#standard md/installer#exe md/distrib#ubuntu.22 md/prompt#off"
	agentCLIMac    = "aws-cli/2.15.28 md/awscrt#0.19.19 ua/2.0 os/macos#23.3.0 md/arch#arm64 lang/python#3.11.8 md/pyimpl#CPython cfg/retry-mode#standard md/installer#source md/prompt#off"
	agentBoto3     = "Boto3/1.34.62 md/Botocore#1.34.62 ua/2.0 os/linux#5.10.213-201.855.amzn2.x86_64 md/arch#x86_64 lang/python#3.12.2 md/pyimpl#CPython cfg/retry-mode#legacy Botocore/1.34.62"
	agentGo        = "aws-sdk-go-v2/1.25.3 os/linux lang/go#1.22.1 md/GOOS#linux md/GOARCH#amd64"
	agentGoLambda  = "aws-sdk-go-v2/1.25.3 os/linux lang/go#1.22.1 md/GOOS#linux md/GOARCH#arm64 exec-env/AWS_Lambda_provided.al2023"
	agentJava      = "aws-sdk-java/2.25.6 Linux/5.10.210-201.852.amzn2.x86_64 OpenJDK_64-Bit_Server_VM/21.0.2+13-LTS Java/21.0.2 vendor/Amazon.com_Inc. io/sync http/Apache cfg/retry-mode/legacy"
	agentJS        = "aws-sdk-js/3.529.1 ua/2.0 os/linux#5.10.210-220.852.amzn2.x86_64 lang/js md/nodejs#20.11.1"
	agentTerraform = "APN/1.0 HashiCorp/1.0 Terraform/1.7.4 (+https://www.terraform.io) terraform-provider-aws/5.40.0 (+https://registry.terraform.io/providers/hashicorp/aws) aws-sdk-go-v2/1.25.3 os/linux lang/go#1.22.0 md/GOOS#linux md/GOARCH#amd64"
	agentBoto3K8s  = "Boto3/1.34.51 md/Botocore#1.34.51 ua/2.0 os/linux#5.10.209-198.858.amzn2.x86_64 md/arch#x86_64 lang/python#3.11.8 md/pyimpl#CPython cfg/retry-mode#legacy Botocore/1.34.51"
	agentChrome    = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.0.0 Safari/537.36"
	agentFirefox   = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:123.0) Gecko/20100101 Firefox/123.0"
	agentInternal  = "AWS Internal"
	agentSSMAgent  = "aws-sdk-go/1.50.13 (go1.21.6; linux; amd64) amazon-ssm-agent/3.3.40.0"
)

// Addresses in the documentation ranges (RFC 5737, RFC 3849).
var addresses = []string{
	"192.0.2.10", "192.0.2.17", "192.0.2.44", "192.0.2.101", "192.0.2.150", "192.0.2.201",
	"198.51.100.7", "198.51.100.23", "198.51.100.66", "198.51.100.120", "198.51.100.188", "198.51.100.240",
	"203.0.113.5", "203.0.113.42", "203.0.113.77", "203.0.113.130", "203.0.113.199", "203.0.113.250",
	"2001:db8:4f1a:100::2a", "2001:db8:85a3::8a2e:370:7334",
}

// ips returns n addresses for the principal named key, stable per key.
func ips(key string, n int) []string {
	h := hash64(key)
	out := make([]string, n)
	for i := range out {
		out[i] = addresses[(h+uint64(i)*7)%uint64(len(addresses))]
	}
	return out
}

func hash64(s string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(s))
	return h.Sum64()
}

// idChars returns an IAM unique-id style suffix of n characters ([A-Z0-9])
// derived from key, so that principal ids are stable and look real.
func idChars(key string, n int) string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
	h := hash64(key)
	b := make([]byte, n)
	for i := range b {
		if i%12 == 0 {
			h = hash64(key + string(rune('a'+i)))
		}
		b[i] = alphabet[h&31]
		h >>= 5
	}
	return string(b)
}

// identityKind is a userIdentity.type a mix picks from, plus the two
// "service" flavours that are not types of their own.
type identityKind uint8

const (
	kAssumedRole identityKind = iota
	kIAMUser
	kRole
	kRoot
	kFederatedUser
	kDirectory
	kAWSAccount
	kAWSService // needs the API's invokers; falls back to kAssumedRole without them
	kIdentityCenterUser
	kSAMLUser
	kWebIdentityUser
	kUnknown
	kInternal // service events: {"accountId","invokedBy"}
	numKinds
)

type weighted struct {
	k identityKind
	w int
}

// mixes are the identity weights (per mille) of each mix.
var mixes = [...][]weighted{
	mixAPI: {{kAssumedRole, 560}, {kIAMUser, 150}, {kAWSService, 80}, {kRole, 30}, {kFederatedUser, 20},
		{kAWSAccount, 30}, {kIdentityCenterUser, 50}, {kDirectory, 40}, {kRoot, 20}, {kUnknown, 20}},
	mixData:     {{kAssumedRole, 800}, {kAWSService, 100}, {kIAMUser, 50}, {kAWSAccount, 50}},
	mixSignIn:   {{kIAMUser, 550}, {kRoot, 150}, {kAssumedRole, 300}},
	mixSAML:     {{kSAMLUser, 1000}},
	mixWeb:      {{kWebIdentityUser, 1000}},
	mixSTS:      {{kAssumedRole, 400}, {kIAMUser, 200}, {kAWSService, 350}, {kAWSAccount, 50}},
	mixKMS:      {{kAssumedRole, 600}, {kAWSService, 350}, {kIAMUser, 50}},
	mixInternal: {{kInternal, 1000}},
}

// account holds the principals of one account.
type account struct {
	id     string
	pools  [numKinds][]*principal
	signIn [numKinds][]*principal // console sign-in shapes of IAMUser, Root, AssumedRole
}

// newAccount builds the principals of account acct. other is an account id
// that is not acct (the cross-account caller); region is where the EKS
// cluster of the web-identity principal lives; created is the
// creationDate of every session.
func newAccount(acct, other, region, created string) *account {
	a := &account{id: acct}
	attrs := func(mfa string) *event.SessionAttributes {
		return &event.SessionAttributes{CreationDate: created, MFAAuthenticated: mfa}
	}
	role := func(name string) *event.SessionIssuer {
		return &event.SessionIssuer{Type: "Role", PrincipalID: "AROA" + idChars(acct+name, 17),
			ARN: "arn:aws:iam::" + acct + ":role/" + name, AccountID: acct, UserName: name}
	}
	roleArn := func(path, name string) string { return "arn:aws:iam::" + acct + ":role/" + path + name }
	assumed := func(roleName, rolePath, session string, mk func(*event.UserIdentity, *event.SessionContext), agents []string, console bool) *principal {
		issuer := role(roleName)
		issuer.ARN = roleArn(rolePath, roleName)
		// Federated (SSO) console sessions, like workload sessions, are
		// not MFA-authenticated as far as STS knows.
		sc := &event.SessionContext{SessionIssuer: issuer, Attributes: attrs("false")}
		u := &event.UserIdentity{
			Type:           event.IdentityAssumedRole,
			PrincipalID:    issuer.PrincipalID + ":" + session,
			ARN:            "arn:aws:sts::" + acct + ":assumed-role/" + roleName + "/" + session,
			AccountID:      acct,
			AccessKeyID:    "ASIA" + idChars(acct+roleName+session+"key", 16),
			SessionContext: sc,
		}
		if mk != nil {
			mk(u, sc)
		}
		return &principal{id: u, arn: u.ARN, agents: agents, ips: ips(u.ARN, 3), console: console}
	}

	// Workload roles.
	a.pools[kAssumedRole] = []*principal{
		assumed("AppRole-1", "", "i-0a1b2c3d4e5f60781", func(_ *event.UserIdentity, sc *event.SessionContext) { sc.EC2RoleDelivery = "2.0" },
			[]string{agentJava, agentBoto3}, false),
		assumed("AppRole-2", "", "i-0a1b2c3d4e5f60782", func(_ *event.UserIdentity, sc *event.SessionContext) { sc.EC2RoleDelivery = "2.0" },
			[]string{agentGo}, false),
		assumed("orders-api-role", "service-role/", "orders-api-1", func(u *event.UserIdentity, _ *event.SessionContext) {
			u.InScopeOf = &event.InScopeOf{SourceARN: "arn:aws:lambda:" + region + ":" + acct + ":function:orders-api-1",
				SourceAccount: acct, IssuerType: "AWS::Lambda::Function", CredentialsIssuedTo: roleArn("service-role/", "orders-api-role")}
		}, []string{agentGoLambda}, false),
		assumed("CiDeployRole", "", "ci-runner-42", func(_ *event.UserIdentity, sc *event.SessionContext) { sc.SourceIdentity = "ci@example.com" },
			[]string{agentTerraform, agentCLI}, false),
		assumed("AWSReservedSSO_AdministratorAccess_4f1c2e8d9a7b6c5d", "aws-reserved/sso.amazonaws.com/", "jane.doe@example.com", nil,
			[]string{agentInternal, agentChrome}, true),
		assumed("ecsTaskRole", "", "5f0c1e9a2b3d4c6e8f7a9b0c1d2e3f4a", nil, []string{agentJS}, false),
	}
	a.pools[kIAMUser] = []*principal{
		{id: &event.UserIdentity{Type: event.IdentityIAMUser, PrincipalID: "AIDA" + idChars(acct+"alice", 17),
			ARN: "arn:aws:iam::" + acct + ":user/alice", AccountID: acct, AccessKeyID: "ASIA" + idChars(acct+"alice-console", 16), UserName: "alice",
			SessionContext: &event.SessionContext{SessionIssuer: &event.SessionIssuer{}, WebIDFederationData: &event.WebIDFederationData{}, Attributes: attrs("true")}},
			agents: []string{agentInternal, agentFirefox}, ips: ips(acct+"alice", 2), console: true},
		{id: &event.UserIdentity{Type: event.IdentityIAMUser, PrincipalID: "AIDA" + idChars(acct+"deploy-bot", 17),
			ARN: "arn:aws:iam::" + acct + ":user/deploy-bot", AccountID: acct, AccessKeyID: "AKIA" + idChars(acct+"deploy-bot-key", 16), UserName: "deploy-bot"},
			agents: []string{agentCLI, agentBoto3}, ips: ips(acct+"deploy-bot", 2)},
		{id: &event.UserIdentity{Type: event.IdentityIAMUser, PrincipalID: "AIDA" + idChars(acct+"bob", 17),
			ARN: "arn:aws:iam::" + acct + ":user/bob", AccountID: acct, AccessKeyID: "AKIA" + idChars(acct+"bob-key", 16), UserName: "bob"},
			agents: []string{agentCLIMac}, ips: ips(acct+"bob", 3)},
	}
	for _, p := range a.pools[kIAMUser] {
		p.arn = p.id.ARN
	}
	a.pools[kRole] = []*principal{{
		id: &event.UserIdentity{Type: event.IdentityRole, PrincipalID: "AROA" + idChars(acct+"ops-automation", 17),
			ARN: roleArn("", "ops-automation"), AccountID: acct, UserName: "ops-automation"},
		arn: roleArn("", "ops-automation"), agents: []string{agentBoto3}, ips: ips(acct+"ops-automation", 2)}}
	a.pools[kRoot] = []*principal{{
		id: &event.UserIdentity{Type: event.IdentityRoot, PrincipalID: acct, ARN: "arn:aws:iam::" + acct + ":root", AccountID: acct,
			AccessKeyID:    "ASIA" + idChars(acct+"root", 16),
			SessionContext: &event.SessionContext{SessionIssuer: &event.SessionIssuer{}, WebIDFederationData: &event.WebIDFederationData{}, Attributes: attrs("true")}},
		arn: "arn:aws:iam::" + acct + ":root", agents: []string{agentInternal, agentChrome}, ips: ips(acct+"root", 1), console: true}}
	a.pools[kFederatedUser] = []*principal{{
		id: &event.UserIdentity{Type: event.IdentityFederatedUser, PrincipalID: acct + ":build-bob",
			ARN: "arn:aws:sts::" + acct + ":federated-user/build-bob", AccountID: acct, AccessKeyID: "ASIA" + idChars(acct+"fed", 16),
			SessionContext: &event.SessionContext{
				SessionIssuer: &event.SessionIssuer{Type: "IAMUser", PrincipalID: "AIDA" + idChars(acct+"bob", 17),
					ARN: "arn:aws:iam::" + acct + ":user/bob", AccountID: acct, UserName: "bob"},
				WebIDFederationData: &event.WebIDFederationData{}, Attributes: attrs("false")}},
		arn: "arn:aws:sts::" + acct + ":federated-user/build-bob", agents: []string{agentBoto3}, ips: ips(acct+"fed", 2)}}
	a.pools[kDirectory] = []*principal{{
		id: &event.UserIdentity{Type: event.IdentityDirectory, PrincipalID: "S-1-5-21-3623811015-3361044348-30300820-1013",
			AccountID: acct, UserName: "jdoe"},
		arn: "jdoe", agents: []string{agentChrome}, ips: ips(acct+"dir", 2)}}
	a.pools[kAWSAccount] = []*principal{{
		id:  &event.UserIdentity{Type: event.IdentityAWSAccount, PrincipalID: "AROA" + idChars(other+"Partner", 17) + ":partner-sync", AccountID: other},
		arn: "arn:aws:sts::" + other + ":assumed-role/PartnerSync/partner-sync", agents: []string{agentGo}, ips: ips(other+"partner", 2), cross: true}}
	a.pools[kIdentityCenterUser] = []*principal{{
		id: &event.UserIdentity{Type: event.IdentityIdentityCenterUser, AccountID: acct,
			OnBehalfOf: &event.OnBehalfOf{UserID: "94482488-3041-7026-18f3-be45837cd0e4",
				IdentityStoreARN: "arn:aws:identitystore::" + acct + ":identitystore/d-9067642ac7"},
			CredentialID: "EXAMPLEVHULjJdTUdPJfofVa1sufHDoj7aYcOYcxFVllWR_Whr1f" + idChars(acct, 8)},
		arn: "94482488-3041-7026-18f3-be45837cd0e4", agents: []string{agentChrome}, ips: ips(acct+"idc", 2)}}
	samlID := "SbdGOnUkh1i4+" + idChars(acct+"saml", 10) + "/jEvs="
	a.pools[kSAMLUser] = []*principal{{
		id: &event.UserIdentity{Type: event.IdentitySAMLUser, PrincipalID: samlID + ":jane.doe@example.com",
			UserName: "jane.doe@example.com", IdentityProvider: samlID},
		arn: "jane.doe@example.com", agents: []string{agentCLI}, ips: ips(acct+"saml", 2)}}
	oidc := "arn:aws:iam::" + acct + ":oidc-provider/oidc.eks." + region + ".amazonaws.com/id/5C2D8F0A9B7E6D4C3B2A1F0E9D8C7B6A"
	a.pools[kWebIdentityUser] = []*principal{
		{id: &event.UserIdentity{Type: event.IdentityWebIdentityUser, PrincipalID: oidc + ":sts.amazonaws.com:system:serviceaccount:payments:api",
			UserName: "system:serviceaccount:payments:api", IdentityProvider: oidc},
			arn: "system:serviceaccount:payments:api", agents: []string{agentBoto3K8s}, ips: ips(acct+"eks", 3)},
		{id: &event.UserIdentity{Type: event.IdentityWebIdentityUser, PrincipalID: "accounts.google.com:1083421234-ex4mpl3.apps.googleusercontent.com:107654321098765432101",
			UserName: "107654321098765432101", IdentityProvider: "accounts.google.com"},
			arn: "107654321098765432101", agents: []string{agentJS}, ips: ips(acct+"google", 2)},
	}
	a.pools[kUnknown] = []*principal{{
		id:  &event.UserIdentity{Type: event.IdentityUnknown, PrincipalID: "94482488-3041-7026-18f3-be45837cd0e4", AccountID: acct, UserName: "jane.doe"},
		arn: "jane.doe", agents: []string{agentChrome}, ips: ips(acct+"portal", 2)}}
	a.pools[kInternal] = []*principal{{
		id:  &event.UserIdentity{AccountID: acct, InvokedBy: "AWS Internal"},
		arn: "AWS Internal", agents: []string{agentInternal}, ips: []string{"AWS Internal"}, service: true}}

	// Console sign-in shapes: no access key, session context only for roles.
	mfa := json.RawMessage(`{"LoginTo":"https://console.aws.amazon.com/console/home?hashArgs=%23&isauthcode=true&state=hashArgsFromTB_us-east-1_8a6b2c4d1e3f5a7b","MobileVersion":"No","MFAIdentifier":"arn:aws:iam::` + acct + `:mfa/alice","MFAUsed":"Yes"}`)
	rootMFA := json.RawMessage(`{"LoginTo":"https://console.aws.amazon.com/console/home?hashArgs=%23&isauthcode=true&state=hashArgsFromTB_us-east-1_8a6b2c4d1e3f5a7b","MobileVersion":"No","MFAIdentifier":"arn:aws:iam::` + acct + `:mfa/root-account-mfa-device","MFAUsed":"Yes"}`)
	noMFA := json.RawMessage(`{"LoginTo":"https://console.aws.amazon.com/console/home?hashArgs=%23&isauthcode=true","MobileVersion":"No","MFAUsed":"No"}`)
	sso := json.RawMessage(`{"LoginTo":"https://console.aws.amazon.com/console/home?region=` + region + `","MobileVersion":"No","MFAUsed":"No","SamlProviderArn":"arn:aws:iam::` + acct + `:saml-provider/AWSSSO_4f1c2e8d9a7b6c5d_DO_NOT_DELETE"}`)
	ssoRole := role("AWSReservedSSO_AdministratorAccess_4f1c2e8d9a7b6c5d")
	ssoRole.ARN = roleArn("aws-reserved/sso.amazonaws.com/", ssoRole.UserName)
	a.signIn[kIAMUser] = []*principal{
		{id: &event.UserIdentity{Type: event.IdentityIAMUser, PrincipalID: a.pools[kIAMUser][0].id.PrincipalID, ARN: a.pools[kIAMUser][0].id.ARN, AccountID: acct, UserName: "alice"},
			arn: a.pools[kIAMUser][0].id.ARN, agents: []string{agentFirefox}, ips: a.pools[kIAMUser][0].ips, signIn: mfa},
		{id: &event.UserIdentity{Type: event.IdentityIAMUser, PrincipalID: a.pools[kIAMUser][2].id.PrincipalID, ARN: a.pools[kIAMUser][2].id.ARN, AccountID: acct, UserName: "bob"},
			arn: a.pools[kIAMUser][2].id.ARN, agents: []string{agentChrome}, ips: a.pools[kIAMUser][2].ips, signIn: noMFA},
	}
	a.signIn[kRoot] = []*principal{{id: &event.UserIdentity{Type: event.IdentityRoot, PrincipalID: acct, ARN: "arn:aws:iam::" + acct + ":root", AccountID: acct, AccessKeyID: ""},
		arn: "arn:aws:iam::" + acct + ":root", agents: []string{agentChrome}, ips: a.pools[kRoot][0].ips, signIn: rootMFA}}
	a.signIn[kAssumedRole] = []*principal{{id: &event.UserIdentity{Type: event.IdentityAssumedRole,
		PrincipalID: ssoRole.PrincipalID + ":jane.doe@example.com", ARN: "arn:aws:sts::" + acct + ":assumed-role/" + ssoRole.UserName + "/jane.doe@example.com", AccountID: acct,
		SessionContext: &event.SessionContext{SessionIssuer: ssoRole, WebIDFederationData: &event.WebIDFederationData{}, Attributes: attrs("false")}},
		agents: []string{agentChrome}, ips: a.pools[kAssumedRole][4].ips, signIn: sso}}
	a.signIn[kAssumedRole][0].arn = a.signIn[kAssumedRole][0].id.ARN
	return a
}

// servicePrincipals returns the AWSService callers of an API.
func servicePrincipals(invokers []string) []*principal {
	out := make([]*principal, len(invokers))
	for i, host := range invokers {
		out[i] = &principal{id: &event.UserIdentity{Type: event.IdentityAWSService, InvokedBy: host},
			arn: host, agents: []string{host}, ips: []string{host}, service: true}
	}
	return out
}
