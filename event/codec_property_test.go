package event

import (
	"bytes"
	"encoding/json"
	"math"
	"math/rand/v2"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"
)

// recordGen makes random records that use every part of the model: every
// field sometimes set, strings that need escaping, raw members and Unknown
// members of every JSON type.
type recordGen struct{ r *rand.Rand }

var genStrings = []string{
	"a", "AwsApiCall", "arn:aws:iam::111122223333:role/x", "é", "名前", "😀", "\u2028", "<&>",
	"\"", "\\", "/", "\n", "\t", "\x00", "\x1f", "\x7f", " ", "AWS Internal", "1.08", "null", "true",
}

func (g recordGen) str() string {
	if g.r.IntN(4) == 0 {
		return ""
	}
	var b strings.Builder
	for n := g.r.IntN(4) + 1; n > 0; n-- {
		b.WriteString(genStrings[g.r.IntN(len(genStrings))])
	}
	return b.String()
}

func (g recordGen) maybe() bool { return g.r.IntN(3) != 0 }

// jsonValue writes a random JSON value in compact form, keeping number
// forms that are not canonical (1.50, 1E3, -0).
func (g recordGen) jsonValue(b *strings.Builder, depth int) {
	k := g.r.IntN(8)
	if depth > 3 && k >= 6 {
		k = g.r.IntN(6)
	}
	switch k {
	case 0:
		b.WriteString("null")
	case 1:
		b.WriteString([]string{"true", "false"}[g.r.IntN(2)])
	case 2:
		b.WriteString([]string{"0", "-0", "1.50", "1E3", "-12.5e-3", "12345678901234567890", "0.0000882145"}[g.r.IntN(7)])
	case 3, 4, 5:
		b.Write(appendString(nil, g.str()))
	case 6:
		b.WriteByte('[')
		for i, n := 0, g.r.IntN(4); i < n; i++ {
			if i > 0 {
				b.WriteByte(',')
			}
			g.jsonValue(b, depth+1)
		}
		b.WriteByte(']')
	case 7:
		b.WriteByte('{')
		for i, n := 0, g.r.IntN(4); i < n; i++ {
			if i > 0 {
				b.WriteByte(',')
			}
			b.Write(appendString(nil, "k"+strconv.Itoa(i)+g.str()))
			b.WriteByte(':')
			g.jsonValue(b, depth+1)
		}
		b.WriteByte('}')
	}
}

func (g recordGen) raw() json.RawMessage {
	if g.r.IntN(3) == 0 {
		return nil
	}
	var b strings.Builder
	g.jsonValue(&b, 0)
	return json.RawMessage(b.String())
}

// unknown returns Unknown members whose keys no typed field of any object
// uses (they start with "x-") and that are distinct.
func (g recordGen) unknown() Members {
	if g.r.IntN(3) != 0 {
		return nil
	}
	var m Members
	for i, n := 0, g.r.IntN(3)+1; i < n; i++ {
		var b strings.Builder
		g.jsonValue(&b, 0)
		m = append(m, Member{Key: "x-" + strconv.Itoa(i) + g.str(), Value: json.RawMessage(b.String())})
	}
	return m
}

func (g recordGen) boolp() *bool {
	if g.r.IntN(3) == 0 {
		return nil
	}
	b := g.r.IntN(2) == 0
	return &b
}

func (g recordGen) float() float64 {
	switch g.r.IntN(4) {
	case 0:
		return float64(g.r.IntN(1000)) / 10
	case 1:
		return g.r.Float64() * math.Pow(10, float64(g.r.IntN(40)-30))
	case 2:
		for {
			f := math.Float64frombits(g.r.Uint64())
			if !math.IsNaN(f) && !math.IsInf(f, 0) {
				return f
			}
		}
	}
	return 0
}

func (g recordGen) int64p() *int64 {
	if g.r.IntN(3) == 0 {
		return nil
	}
	n := []int64{0, 1, 10080, -5, math.MaxInt64, math.MinInt64, g.r.Int64()}[g.r.IntN(7)]
	return &n
}

func (g recordGen) values() []AttributionValue {
	if g.r.IntN(3) == 0 {
		return nil
	}
	vs := make([]AttributionValue, g.r.IntN(4))
	for i := range vs {
		vs[i] = AttributionValue{Value: g.str(), Average: g.float(), Unknown: g.unknown()}
	}
	return vs
}

func (g recordGen) record() *Record {
	r := &Record{
		EventVersion: g.str(), EventSource: g.str(), EventName: g.str(), AWSRegion: g.str(),
		SourceIPAddress: g.str(), UserAgent: g.str(), ErrorCode: g.str(), ErrorMessage: g.str(),
		RequestParameters: g.raw(), ResponseElements: g.raw(), AdditionalEventData: g.raw(),
		RequestID: g.str(), EventID: g.str(), ReadOnly: g.boolp(), EventType: EventType(g.str()),
		APIVersion: g.str(), ManagementEvent: g.boolp(), RecipientAccountID: g.str(),
		SharedEventID: g.str(), VPCEndpointID: g.str(), VPCEndpointAccountID: g.str(),
		ServiceEventDetails: g.raw(), EventCategory: Category(g.str()),
		SessionCredentialFromConsole: g.str(), EdgeDeviceDetails: g.raw(), EventContext: g.raw(),
		Annotation: g.str(), Unknown: g.unknown(),
	}
	if g.maybe() {
		sec := g.r.Int64N(253402300799+62135596800) - 62135596800 // years 0000-9999
		ns := int64(0)
		if g.r.IntN(4) == 0 {
			ns = g.r.Int64N(1e9)
		}
		if t := time.Unix(sec, ns).UTC(); !t.IsZero() {
			r.EventTime = t
		}
	}
	if g.maybe() {
		u := &UserIdentity{
			Type: IdentityType(g.str()), PrincipalID: g.str(), ARN: g.str(), AccountID: g.str(),
			AccessKeyID: g.str(), UserName: g.str(), InvokedBy: g.str(), IdentityProvider: g.str(),
			CredentialID: g.str(), Unknown: g.unknown(),
		}
		if g.maybe() {
			s := &SessionContext{
				SourceIdentity: g.str(), EC2RoleDelivery: g.str(), EC2IssuedInVPC: g.str(),
				AssumedRoot: g.str(), SignInSessionARN: g.str(), Unknown: g.unknown(),
			}
			if g.maybe() {
				s.SessionIssuer = &SessionIssuer{Type: g.str(), PrincipalID: g.str(), ARN: g.str(), AccountID: g.str(), UserName: g.str(), Unknown: g.unknown()}
			}
			if g.maybe() {
				s.WebIDFederationData = &WebIDFederationData{FederatedProvider: g.str(), Attributes: g.raw(), Unknown: g.unknown()}
			}
			if g.maybe() {
				s.Attributes = &SessionAttributes{CreationDate: g.str(), MFAAuthenticated: g.str(), Unknown: g.unknown()}
			}
			u.SessionContext = s
		}
		if g.maybe() {
			u.InvokedByDelegate = &InvokedByDelegate{AccountID: g.str(), Unknown: g.unknown()}
		}
		if g.maybe() {
			u.OnBehalfOf = &OnBehalfOf{UserID: g.str(), IdentityStoreARN: g.str(), Unknown: g.unknown()}
		}
		if g.maybe() {
			u.InScopeOf = &InScopeOf{SourceARN: g.str(), SourceAccount: g.str(), IssuerType: g.str(), CredentialsIssuedTo: g.str(), Unknown: g.unknown()}
		}
		r.UserIdentity = u
	}
	if g.maybe() {
		r.Resources = make([]Resource, g.r.IntN(3))
		for i := range r.Resources {
			r.Resources[i] = Resource{AccountID: g.str(), Type: g.str(), ARN: g.str(), ARNPrefix: g.str(), Unknown: g.unknown()}
		}
	}
	if g.maybe() {
		r.Addendum = &Addendum{Reason: AddendumReason(g.str()), UpdatedFields: g.raw(), OriginalRequestID: g.str(), OriginalEventID: g.str(), Unknown: g.unknown()}
	}
	if g.maybe() {
		r.TLSDetails = &TLSDetails{TLSVersion: g.str(), CipherSuite: g.str(), ClientProvidedHostHeader: g.str(), KeyExchange: g.str(), Unknown: g.unknown()}
	}
	if g.r.IntN(3) == 0 {
		d := &InsightDetails{
			State: InsightState(g.str()), EventSource: g.str(), EventName: g.str(),
			InsightType: InsightType(g.str()), ErrorCode: g.str(), Unknown: g.unknown(),
		}
		if g.maybe() {
			c := &InsightContext{Unknown: g.unknown()}
			if g.maybe() {
				s := &InsightStatistics{InsightDuration: g.int64p(), BaselineDuration: g.int64p(), Unknown: g.unknown()}
				if g.maybe() {
					s.Baseline = &Average{Average: g.float(), Unknown: g.unknown()}
				}
				if g.maybe() {
					s.Insight = &Average{Average: g.float(), Unknown: g.unknown()}
				}
				c.Statistics = s
			}
			if g.maybe() {
				c.Attributions = make([]Attribution, g.r.IntN(3))
				for i := range c.Attributions {
					c.Attributions[i] = Attribution{Attribute: g.str(), Insight: g.values(), Baseline: g.values(), Unknown: g.unknown()}
				}
			}
			d.InsightContext = c
		}
		r.InsightDetails = d
	}
	return r
}

// TestRandomRecordsRoundTrip: for random records, decode(encode(r)) equals
// r, and encoding the result gives the same bytes; json.Marshal agrees.
func TestRandomRecordsRoundTrip(t *testing.T) {
	g := recordGen{rand.New(rand.NewPCG(1, 2))}
	n := 3000
	if testing.Short() {
		n = 300
	}
	for i := 0; i < n; i++ {
		r := g.record()
		enc := r.AppendJSON(nil)
		if !json.Valid(enc) {
			t.Fatalf("record %d: invalid JSON %s", i, enc)
		}
		var back Record
		if err := Unmarshal(enc, &back); err != nil {
			t.Fatalf("record %d: Unmarshal(%s): %v", i, enc, err)
		}
		if !reflect.DeepEqual(&back, r) {
			t.Fatalf("record %d: round trip differs\n in: %#v\nout: %#v\njson: %s", i, r, &back, enc)
		}
		if again := back.AppendJSON(nil); !bytes.Equal(again, enc) {
			t.Fatalf("record %d: re-encoding differs\n%s\n%s", i, enc, again)
		}
		m, err := json.Marshal(r)
		if err != nil {
			t.Fatalf("record %d: json.Marshal: %v", i, err)
		}
		var html bytes.Buffer
		json.HTMLEscape(&html, enc)
		if !bytes.Equal(m, html.Bytes()) {
			t.Fatalf("record %d: json.Marshal differs from AppendJSON\n%s\n%s", i, m, enc)
		}
	}
}
