package eventtest

import (
	"github.com/trailkit/trailkit/event"
)

// Actor is who performs an attack or an anomaly: one identity calling from
// one address with one client, so that a rule grouping by user, role,
// access key or source IP finds all of its records and nothing of the
// normal traffic, which comes from many other principals and addresses.
//
// Empty fields take the defaults of the default actor: the IAM user
// "svc-reports" of the account, with a long-term access key, calling from
// 203.0.113.66 with aws-cli (for an Attack, the technique's own default
// identity, see Technique.Identity). Its name, key and address appear
// nowhere in the normal traffic.
type Actor struct {
	// Identity is the userIdentity of the actor's calls; its AccountID is
	// the account the calls are made in. It is shared by the actor's
	// records and must not be changed afterwards.
	Identity *event.UserIdentity
	// SourceIPAddress is the caller's address.
	SourceIPAddress string
	// UserAgent is the caller's client.
	UserAgent string
}

// defaultActorIP is the address of the default actor: one the normal
// traffic never uses.
const defaultActorIP = "203.0.113.66"

// defaultActorAgent is the default actor's client.
const (
	defaultActorAgent = "aws-cli/2.15.30 md/awscrt#0.19.19 ua/2.0 os/linux#6.1.0-18-amd64 md/arch#x86_64 lang/python#3.11.8 md/pyimpl#CPython cfg/retry-mode#standard md/installer#exe md/distrib#debian.12 md/prompt#off"
)

// defaultActor returns the actor of anomalies (and of attacks whose
// technique calls as an IAM user) in account acct (see Actor).
func defaultActor(acct string) Actor {
	return Actor{Identity: iamUser(acct, defaultUser), SourceIPAddress: defaultActorIP, UserAgent: defaultActorAgent}
}

const (
	defaultUser = "svc-reports"
	defaultRole = "ops-readonly"
)

func iamUser(acct, name string) *event.UserIdentity {
	return &event.UserIdentity{Type: event.IdentityIAMUser, PrincipalID: "AIDA" + idChars(acct+"actor"+name, 17),
		ARN: "arn:aws:iam::" + acct + ":user/" + name, AccountID: acct,
		AccessKeyID: "AKIA" + idChars(acct+"actor-key"+name, 16), UserName: name}
}

// roleSession is an AssumedRole identity of role name in acct with the
// given session name, created at created (a TimeLayout string).
func roleSession(acct, name, session, created string, ec2 bool) *event.UserIdentity {
	id := "AROA" + idChars(acct+"actor-role"+name, 17)
	sc := &event.SessionContext{
		SessionIssuer: &event.SessionIssuer{Type: "Role", PrincipalID: id, ARN: "arn:aws:iam::" + acct + ":role/" + name,
			AccountID: acct, UserName: name},
		WebIDFederationData: &event.WebIDFederationData{},
		Attributes:          &event.SessionAttributes{CreationDate: created, MFAAuthenticated: "false"},
	}
	if ec2 {
		sc.EC2RoleDelivery = "2.0"
	}
	return &event.UserIdentity{Type: event.IdentityAssumedRole, PrincipalID: id + ":" + session,
		ARN: "arn:aws:sts::" + acct + ":assumed-role/" + name + "/" + session, AccountID: acct,
		AccessKeyID: "ASIA" + idChars(acct+"actor-session"+name+session, 16), SessionContext: sc}
}

// withDefaults fills the empty fields of a from def.
func (a Actor) withDefaults(def Actor) Actor {
	if a.Identity == nil {
		a.Identity = def.Identity
	}
	if a.SourceIPAddress == "" {
		a.SourceIPAddress = def.SourceIPAddress
	}
	if a.UserAgent == "" {
		a.UserAgent = def.UserAgent
	}
	return a
}

// principal returns the actor as a caller of the generator.
func (a Actor) principal() *principal {
	arn := a.Identity.ARN
	if arn == "" {
		arn = a.Identity.PrincipalID
	}
	return &principal{id: a.Identity, arn: arn, agents: []string{a.UserAgent}, ips: []string{a.SourceIPAddress}}
}
