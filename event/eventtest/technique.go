package eventtest

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/trailkit/trailkit/event"
)

// Technique is an attack technique of the catalogue: the calls one
// execution makes, as CloudTrail records them. IDs follow Stratus Red
// Team's naming (aws.<tactic>.<name>), and where Stratus Red Team has the
// technique the records follow its detonation logs (the calls, their
// order and count, request parameters, error codes and messages).
type Technique struct {
	ID          string // e.g. "aws.defense-evasion.cloudtrail-stop"
	Tactic      string // MITRE ATT&CK tactic, e.g. "Defense Evasion"
	TacticID    string // e.g. "TA0005"
	TechniqueID string // MITRE ATT&CK technique, e.g. "T1562.008"
	Doc         string // what the technique does, in one line
	// Identity is the userIdentity.type of the default caller: "IAMUser"
	// (the default actor's user with an access key, see Actor; for
	// console sign-ins the user without one) or "AssumedRole" (a role
	// session; an EC2 instance profile session for techniques run from an
	// instance).
	Identity string

	steps  []step
	caller caller
}

// caller is the default identity of a technique.
type caller uint8

const (
	asUser     caller = iota // the default actor's IAM user
	asRole                   // a role session of defaultRole
	asInstance               // an EC2 instance profile session
	asConsole                // the IAM user signing in (no access key)
)

// step is one or more records of a technique. Templates may hold
// {acct}, {region}, {arn} (the caller's ARN), {user} (the caller's user
// name), {ext} (the attacker's other account), {i} (the repetition,
// from 1), {uuid} and {hex} (random per record).
type step struct {
	at           int // seconds after the attack's start
	n, every     int // repetitions (default 1) and seconds between them
	source, name string
	typ          kind // kindCall, kindData or kindSignIn
	global       bool // recorded in us-east-1
	version      string
	req, resp    string // "" is JSON null
	add          string // additionalEventData
	errCode      string
	errMsg       string
	signInFailed bool
	readOnly     *bool // nil: event.ReadOnlyAPI
	resources    []resource
	// stolen: the call is made with the instance's credentials from the
	// attacker's address (credentials taken off the instance).
	stolen bool
}

// Attack executes a technique of the catalogue inside the activity.
type Attack struct {
	// Technique is the ID of a technique of Techniques().
	Technique string
	// Start is the eventTime of the first record (truncated to the
	// second). Zero spreads the attacks evenly: the i-th of n starts at
	// Config.Start + (i+1)·Duration/(n+1). The attack's records must all
	// fall inside the generated span.
	Start time.Time
	// Account and Region: default the first of Config.Accounts and
	// Config.Regions. Global services (IAM, console sign-in, STS,
	// Organizations) are recorded in us-east-1 whatever Region says.
	Account, Region string
	// Actor performs the attack; empty fields take the technique's
	// default (the default actor's address and client, and the identity
	// Technique.Identity names).
	Actor Actor
}

// attackAccount is the account an attacker shares resources with.
const attackAccount = "777766665555"

// Techniques returns the catalogue, sorted by ID.
func Techniques() []Technique {
	out := make([]Technique, len(techniques))
	for i, t := range techniques {
		out[i] = t
		out[i].steps = nil
	}
	slices.SortFunc(out, func(a, b Technique) int { return strings.Compare(a.ID, b.ID) })
	return out
}

func findTechnique(id string) *Technique {
	for i := range techniques {
		if techniques[i].ID == id {
			return &techniques[i]
		}
	}
	return nil
}

// duration is the time from the first record to the last.
func (t *Technique) duration() time.Duration {
	last := 0
	for _, s := range t.steps {
		n := max(s.n, 1)
		last = max(last, s.at+(n-1)*s.every)
	}
	return time.Duration(last) * time.Second
}

// defaultActor returns the technique's default actor in acct.
func (t *Technique) defaultActor(acct, created string) Actor {
	a := defaultActor(acct)
	switch t.caller {
	case asRole:
		a.Identity = roleSession(acct, defaultRole, "aws-go-sdk-1709625600000000000", created, false)
		a.UserAgent = agentGo
	case asInstance:
		a.Identity = roleSession(acct, "web-instance-role", "i-0c9a8b7d6e5f4a3b2", created, true)
		a.UserAgent = agentBoto3
	case asConsole:
		u := *a.Identity
		u.AccessKeyID = ""
		a.Identity = &u
		a.UserAgent = agentFirefox
	}
	return a
}

// attack is an Attack resolved by New, with its records.
type attack struct {
	Attack
	tech    *Technique
	records []*event.Record
}

// runAttack builds the records of the i-th attack (of n).
func (g *Generator) runAttack(i, n int, at Attack) (*attack, error) {
	field := fmt.Sprintf("Attacks[%d]", i)
	t := findTechnique(at.Technique)
	if t == nil {
		return nil, configErr(field+".Technique", fmt.Sprintf("unknown technique %q (see Techniques)", at.Technique))
	}
	cfg := g.cfg
	if at.Account == "" {
		at.Account = cfg.Accounts[0]
	}
	if at.Region == "" {
		at.Region = cfg.Regions[0]
	}
	if at.Start.IsZero() {
		at.Start = cfg.Start.Add(cfg.Duration / time.Duration(n+1) * time.Duration(i+1))
	}
	at.Start = at.Start.UTC().Truncate(time.Second)
	end := cfg.Start.Add(cfg.Duration)
	if at.Start.Before(cfg.Start) || !at.Start.Add(t.duration()).Before(end) {
		return nil, configErr(field+".Start", fmt.Sprintf("%s runs from %s to %s, outside the generated span [%s, %s)", t.ID,
			at.Start.Format(time.RFC3339), at.Start.Add(t.duration()).Format(time.RFC3339), cfg.Start.Format(time.RFC3339), end.Format(time.RFC3339)))
	}
	created := at.Start.Add(-3 * time.Minute).Format(event.TimeLayout)
	at.Actor = at.Actor.withDefaults(t.defaultActor(at.Account, created))
	if at.Actor.Identity.AccountID != "" && t.caller != asConsole {
		at.Account = at.Actor.Identity.AccountID
	}
	a := &attack{Attack: at, tech: t}

	var pcg rand.PCG
	pcg.Seed(uint64(cfg.Seed)^0x61747461636b7321, splitmix(hash64(t.ID)+uint64(i)))
	rng := rand.New(&pcg)
	var buf []byte
	uuid := func() string {
		buf = appendUUID(buf[:0], rng.Uint64(), rng.Uint64())
		return string(buf)
	}
	id := at.Actor.Identity
	user := id.UserName
	if user == "" && id.SessionContext != nil && id.SessionContext.SessionIssuer != nil {
		user = id.SessionContext.SessionIssuer.UserName
	}
	arn := id.ARN
	if arn == "" {
		arn = id.PrincipalID
	}
	var stolen *event.UserIdentity
	for _, s := range t.steps {
		region := at.Region
		if s.global {
			region = "us-east-1"
		}
		for k := range max(s.n, 1) {
			rep := strings.NewReplacer("{acct}", at.Account, "{region}", region, "{arn}", arn, "{user}", user,
				"{ext}", attackAccount, "{i}", strconv.Itoa(k+1), "{uuid}", uuid(), "{hex}", fmt.Sprintf("%017x", rng.Uint64()>>4))
			raw := func(t string) json.RawMessage {
				if t == "" {
					return nil
				}
				return json.RawMessage(rep.Replace(t))
			}
			r := event.Record{
				EventVersion:      s.version,
				UserIdentity:      id,
				EventTime:         at.Start.Add(time.Duration(s.at+k*s.every) * time.Second),
				EventSource:       s.source,
				EventName:         s.name,
				AWSRegion:         region,
				SourceIPAddress:   at.Actor.SourceIPAddress,
				UserAgent:         at.Actor.UserAgent,
				RequestParameters: raw(s.req), ResponseElements: raw(s.resp),
				AdditionalEventData: raw(s.add),
				ErrorCode:           s.errCode,
				ErrorMessage:        rep.Replace(s.errMsg),
				ReadOnly:            s.readOnly,
				RecipientAccountID:  at.Account,
			}
			if r.EventVersion == "" {
				r.EventVersion = "1.09"
			}
			if s.stolen {
				if stolen == nil {
					stolen = roleSession(at.Account, "web-instance-role", "i-0c9a8b7d6e5f4a3b2", created, true)
				}
				r.UserIdentity = stolen
			}
			for _, res := range s.resources {
				x := event.Resource{Type: res.typ, ARN: rep.Replace(res.arn)}
				if res.owner {
					x.AccountID = at.Account
				}
				r.Resources = append(r.Resources, x)
			}
			if s.errCode != "" {
				r.ResponseElements = nil
			}
			b := event.Builder{NewID: uuid}
			var rec *event.Record
			switch s.typ {
			case kindSignIn:
				r.ResponseElements = signInOK
				if s.signInFailed {
					r.ResponseElements = signInFailed
				}
				rec = b.ConsoleSignIn(r)
			case kindData:
				r.EventCategory = event.CategoryData
				rec = b.APICall(r)
			default:
				host := strings.TrimSuffix(s.source, ".amazonaws.com") + "." + region + ".amazonaws.com"
				if s.global {
					host = s.source
				}
				r.TLSDetails = &event.TLSDetails{TLSVersion: "TLSv1.3", CipherSuite: "TLS_AES_128_GCM_SHA256", ClientProvidedHostHeader: host}
				rec = b.APICall(r)
			}
			if s.source == "s3.amazonaws.com" {
				rec.RequestID = strings.ToUpper(fmt.Sprintf("%016x", rng.Uint64()))
			} else {
				rec.RequestID = uuid()
			}
			a.records = append(a.records, rec)
		}
	}
	slices.SortStableFunc(a.records, func(x, y *event.Record) int { return x.EventTime.Compare(y.EventTime) })
	return a, nil
}
