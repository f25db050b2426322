package event

import (
	"encoding/json"
	"math"
	"strconv"
	"time"
	"unicode/utf8"
)

// The encoder writes each object's members as `,"key":value` and then turns
// the first comma into the opening brace (or writes {} when nothing was
// written), so no member needs a "first" flag.

// closeObject finishes an object whose members start at dst[start:].
func closeObject(dst []byte, start int) []byte {
	if len(dst) == start {
		return append(dst, '{', '}')
	}
	dst[start] = '{'
	return append(dst, '}')
}

func appendStr(dst []byte, key, s string) []byte {
	if s == "" {
		return dst
	}
	dst = append(dst, key...)
	return appendString(dst, s)
}

func appendRaw(dst []byte, key string, raw json.RawMessage) []byte {
	if len(raw) == 0 {
		return dst
	}
	dst = append(dst, key...)
	return append(dst, raw...)
}

func appendBool(dst []byte, key string, b *bool) []byte {
	if b == nil {
		return dst
	}
	dst = append(dst, key...)
	if *b {
		return append(dst, "true"...)
	}
	return append(dst, "false"...)
}

func appendMembers(dst []byte, m Members) []byte {
	for _, x := range m {
		if len(x.Value) == 0 {
			continue
		}
		dst = append(dst, ',')
		dst = appendString(dst, x.Key)
		dst = append(dst, ':')
		dst = append(dst, x.Value...)
	}
	return dst
}

func appendRecord(dst []byte, r *Record) []byte {
	start := len(dst)
	insight := r.InsightDetails != nil
	if insight {
		// The Insights order (spec §4.1) puts these nine first.
		dst = appendStr(dst, `,"eventVersion":`, r.EventVersion)
		dst = appendEventTime(dst, r.EventTime)
		dst = appendStr(dst, `,"awsRegion":`, r.AWSRegion)
		dst = appendStr(dst, `,"eventID":`, r.EventID)
		dst = appendStr(dst, `,"eventType":`, string(r.EventType))
		dst = appendStr(dst, `,"recipientAccountId":`, r.RecipientAccountID)
		dst = appendStr(dst, `,"sharedEventID":`, r.SharedEventID)
		dst = append(dst, `,"insightDetails":`...)
		dst = appendInsightDetails(dst, r.InsightDetails)
		dst = appendStr(dst, `,"eventCategory":`, string(r.EventCategory))
	} else {
		dst = appendStr(dst, `,"eventVersion":`, r.EventVersion)
	}
	if r.UserIdentity != nil {
		dst = append(dst, `,"userIdentity":`...)
		dst = appendUserIdentity(dst, r.UserIdentity)
	}
	if !insight {
		dst = appendEventTime(dst, r.EventTime)
	}
	dst = appendStr(dst, `,"eventSource":`, r.EventSource)
	dst = appendStr(dst, `,"eventName":`, r.EventName)
	if !insight {
		dst = appendStr(dst, `,"awsRegion":`, r.AWSRegion)
	}
	dst = appendStr(dst, `,"sourceIPAddress":`, r.SourceIPAddress)
	dst = appendStr(dst, `,"userAgent":`, r.UserAgent)
	dst = appendStr(dst, `,"errorCode":`, r.ErrorCode)
	dst = appendStr(dst, `,"errorMessage":`, r.ErrorMessage)
	dst = appendRaw(dst, `,"requestParameters":`, r.RequestParameters)
	dst = appendRaw(dst, `,"responseElements":`, r.ResponseElements)
	dst = appendRaw(dst, `,"additionalEventData":`, r.AdditionalEventData)
	dst = appendStr(dst, `,"requestID":`, r.RequestID)
	if !insight {
		dst = appendStr(dst, `,"eventID":`, r.EventID)
	}
	dst = appendBool(dst, `,"readOnly":`, r.ReadOnly)
	if r.Resources != nil {
		dst = append(dst, `,"resources":[`...)
		for i := range r.Resources {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = appendResource(dst, &r.Resources[i])
		}
		dst = append(dst, ']')
	}
	if !insight {
		dst = appendStr(dst, `,"eventType":`, string(r.EventType))
	}
	dst = appendStr(dst, `,"apiVersion":`, r.APIVersion)
	dst = appendBool(dst, `,"managementEvent":`, r.ManagementEvent)
	if !insight {
		dst = appendStr(dst, `,"recipientAccountId":`, r.RecipientAccountID)
		dst = appendStr(dst, `,"sharedEventID":`, r.SharedEventID)
	}
	dst = appendStr(dst, `,"vpcEndpointId":`, r.VPCEndpointID)
	dst = appendStr(dst, `,"vpcEndpointAccountId":`, r.VPCEndpointAccountID)
	dst = appendRaw(dst, `,"serviceEventDetails":`, r.ServiceEventDetails)
	if !insight {
		dst = appendStr(dst, `,"eventCategory":`, string(r.EventCategory))
	}
	if r.Addendum != nil {
		dst = append(dst, `,"addendum":`...)
		dst = appendAddendum(dst, r.Addendum)
	}
	if r.TLSDetails != nil {
		dst = append(dst, `,"tlsDetails":`...)
		dst = appendTLSDetails(dst, r.TLSDetails)
	}
	dst = appendStr(dst, `,"sessionCredentialFromConsole":`, r.SessionCredentialFromConsole)
	dst = appendRaw(dst, `,"edgeDeviceDetails":`, r.EdgeDeviceDetails)
	dst = appendRaw(dst, `,"eventContext":`, r.EventContext)
	dst = appendStr(dst, `,"annotation":`, r.Annotation)
	dst = appendMembers(dst, r.Unknown)
	return closeObject(dst, start)
}

func appendUserIdentity(dst []byte, u *UserIdentity) []byte {
	start := len(dst)
	dst = appendStr(dst, `,"type":`, string(u.Type))
	dst = appendStr(dst, `,"principalId":`, u.PrincipalID)
	dst = appendStr(dst, `,"arn":`, u.ARN)
	dst = appendStr(dst, `,"accountId":`, u.AccountID)
	dst = appendStr(dst, `,"accessKeyId":`, u.AccessKeyID)
	dst = appendStr(dst, `,"userName":`, u.UserName)
	if s := u.SessionContext; s != nil {
		dst = append(dst, `,"sessionContext":`...)
		dst = appendSessionContext(dst, s)
	}
	dst = appendStr(dst, `,"invokedBy":`, u.InvokedBy)
	dst = appendStr(dst, `,"identityProvider":`, u.IdentityProvider)
	if o := u.OnBehalfOf; o != nil {
		dst = append(dst, `,"onBehalfOf":`...)
		s := len(dst)
		dst = appendStr(dst, `,"userId":`, o.UserID)
		dst = appendStr(dst, `,"identityStoreArn":`, o.IdentityStoreARN)
		dst = appendMembers(dst, o.Unknown)
		dst = closeObject(dst, s)
	}
	dst = appendStr(dst, `,"credentialId":`, u.CredentialID)
	if b := u.InvokedByDelegate; b != nil {
		dst = append(dst, `,"invokedByDelegate":`...)
		s := len(dst)
		dst = appendStr(dst, `,"accountId":`, b.AccountID)
		dst = appendMembers(dst, b.Unknown)
		dst = closeObject(dst, s)
	}
	if o := u.InScopeOf; o != nil {
		dst = append(dst, `,"inScopeOf":`...)
		s := len(dst)
		dst = appendStr(dst, `,"sourceArn":`, o.SourceARN)
		dst = appendStr(dst, `,"sourceAccount":`, o.SourceAccount)
		dst = appendStr(dst, `,"issuerType":`, o.IssuerType)
		dst = appendStr(dst, `,"credentialsIssuedTo":`, o.CredentialsIssuedTo)
		dst = appendMembers(dst, o.Unknown)
		dst = closeObject(dst, s)
	}
	dst = appendMembers(dst, u.Unknown)
	return closeObject(dst, start)
}

func appendSessionContext(dst []byte, c *SessionContext) []byte {
	start := len(dst)
	if i := c.SessionIssuer; i != nil {
		dst = append(dst, `,"sessionIssuer":`...)
		s := len(dst)
		dst = appendStr(dst, `,"type":`, i.Type)
		dst = appendStr(dst, `,"principalId":`, i.PrincipalID)
		dst = appendStr(dst, `,"arn":`, i.ARN)
		dst = appendStr(dst, `,"accountId":`, i.AccountID)
		dst = appendStr(dst, `,"userName":`, i.UserName)
		dst = appendMembers(dst, i.Unknown)
		dst = closeObject(dst, s)
	}
	if w := c.WebIDFederationData; w != nil {
		dst = append(dst, `,"webIdFederationData":`...)
		s := len(dst)
		dst = appendStr(dst, `,"federatedProvider":`, w.FederatedProvider)
		dst = appendRaw(dst, `,"attributes":`, w.Attributes)
		dst = appendMembers(dst, w.Unknown)
		dst = closeObject(dst, s)
	}
	if a := c.Attributes; a != nil {
		dst = append(dst, `,"attributes":`...)
		s := len(dst)
		dst = appendStr(dst, `,"creationDate":`, a.CreationDate)
		dst = appendStr(dst, `,"mfaAuthenticated":`, a.MFAAuthenticated)
		dst = appendMembers(dst, a.Unknown)
		dst = closeObject(dst, s)
	}
	dst = appendStr(dst, `,"sourceIdentity":`, c.SourceIdentity)
	dst = appendStr(dst, `,"ec2RoleDelivery":`, c.EC2RoleDelivery)
	dst = appendStr(dst, `,"ec2IssuedInVPC":`, c.EC2IssuedInVPC)
	dst = appendStr(dst, `,"assumedRoot":`, c.AssumedRoot)
	dst = appendStr(dst, `,"signInSessionArn":`, c.SignInSessionARN)
	dst = appendMembers(dst, c.Unknown)
	return closeObject(dst, start)
}

func appendResource(dst []byte, r *Resource) []byte {
	start := len(dst)
	dst = appendStr(dst, `,"accountId":`, r.AccountID)
	dst = appendStr(dst, `,"type":`, r.Type)
	dst = appendStr(dst, `,"ARN":`, r.ARN)
	dst = appendStr(dst, `,"ARNPrefix":`, r.ARNPrefix)
	dst = appendMembers(dst, r.Unknown)
	return closeObject(dst, start)
}

func appendAddendum(dst []byte, a *Addendum) []byte {
	start := len(dst)
	dst = appendStr(dst, `,"reason":`, string(a.Reason))
	dst = appendRaw(dst, `,"updatedFields":`, a.UpdatedFields)
	dst = appendStr(dst, `,"originalRequestID":`, a.OriginalRequestID)
	dst = appendStr(dst, `,"originalEventID":`, a.OriginalEventID)
	dst = appendMembers(dst, a.Unknown)
	return closeObject(dst, start)
}

func appendTLSDetails(dst []byte, t *TLSDetails) []byte {
	start := len(dst)
	dst = appendStr(dst, `,"tlsVersion":`, t.TLSVersion)
	dst = appendStr(dst, `,"cipherSuite":`, t.CipherSuite)
	dst = appendStr(dst, `,"clientProvidedHostHeader":`, t.ClientProvidedHostHeader)
	dst = appendStr(dst, `,"keyExchange":`, t.KeyExchange)
	dst = appendMembers(dst, t.Unknown)
	return closeObject(dst, start)
}

func appendInsightDetails(dst []byte, in *InsightDetails) []byte {
	start := len(dst)
	dst = appendStr(dst, `,"state":`, string(in.State))
	dst = appendStr(dst, `,"eventSource":`, in.EventSource)
	dst = appendStr(dst, `,"eventName":`, in.EventName)
	dst = appendStr(dst, `,"insightType":`, string(in.InsightType))
	dst = appendStr(dst, `,"errorCode":`, in.ErrorCode)
	if c := in.InsightContext; c != nil {
		dst = append(dst, `,"insightContext":`...)
		s := len(dst)
		if st := c.Statistics; st != nil {
			dst = append(dst, `,"statistics":`...)
			dst = appendStatistics(dst, st)
		}
		if c.Attributions != nil {
			dst = append(dst, `,"attributions":[`...)
			for i := range c.Attributions {
				if i > 0 {
					dst = append(dst, ',')
				}
				dst = appendAttribution(dst, &c.Attributions[i])
			}
			dst = append(dst, ']')
		}
		dst = appendMembers(dst, c.Unknown)
		dst = closeObject(dst, s)
	}
	dst = appendMembers(dst, in.Unknown)
	return closeObject(dst, start)
}

func appendStatistics(dst []byte, st *InsightStatistics) []byte {
	start := len(dst)
	if a := st.Baseline; a != nil {
		dst = append(dst, `,"baseline":`...)
		dst = appendAverage(dst, a)
	}
	if a := st.Insight; a != nil {
		dst = append(dst, `,"insight":`...)
		dst = appendAverage(dst, a)
	}
	if n := st.InsightDuration; n != nil {
		dst = append(dst, `,"insightDuration":`...)
		dst = strconv.AppendInt(dst, *n, 10)
	}
	if n := st.BaselineDuration; n != nil {
		dst = append(dst, `,"baselineDuration":`...)
		dst = strconv.AppendInt(dst, *n, 10)
	}
	dst = appendMembers(dst, st.Unknown)
	return closeObject(dst, start)
}

func appendAverage(dst []byte, a *Average) []byte {
	start := len(dst)
	if _, ok := a.Unknown.Get("average"); !ok {
		dst = append(dst, `,"average":`...)
		dst = appendNumber(dst, a.Average, a.text)
	}
	dst = appendMembers(dst, a.Unknown)
	return closeObject(dst, start)
}

func appendAttribution(dst []byte, a *Attribution) []byte {
	start := len(dst)
	dst = appendStr(dst, `,"attribute":`, a.Attribute)
	if a.Insight != nil {
		dst = append(dst, `,"insight":`...)
		dst = appendAttributionValues(dst, a.Insight)
	}
	if a.Baseline != nil {
		dst = append(dst, `,"baseline":`...)
		dst = appendAttributionValues(dst, a.Baseline)
	}
	dst = appendMembers(dst, a.Unknown)
	return closeObject(dst, start)
}

func appendAttributionValues(dst []byte, vs []AttributionValue) []byte {
	dst = append(dst, '[')
	for i := range vs {
		if i > 0 {
			dst = append(dst, ',')
		}
		v := &vs[i]
		start := len(dst)
		dst = appendStr(dst, `,"value":`, v.Value)
		if _, ok := v.Unknown.Get("average"); !ok {
			dst = append(dst, `,"average":`...)
			dst = appendNumber(dst, v.Average, v.text)
		}
		dst = appendMembers(dst, v.Unknown)
		dst = closeObject(dst, start)
	}
	return append(dst, ']')
}

// An Average or AttributionValue always has its "average" member: Average
// has no absent state, so 0 is written for {} (the model cannot tell the
// two apart). The one exception is an "average" the decoder could not hold
// (a string, 1e400), kept in Unknown: it is written instead of the field.

// appendNumber writes f in plain decimal notation (strconv 'f', -1: never an
// exponent), or text, the number as it was read, when text still denotes f.
// NaN and infinities, which JSON cannot carry, are written as null.
func appendNumber(dst []byte, f float64, text string) []byte {
	if text != "" {
		if v, err := strconv.ParseFloat(text, 64); err == nil && v == f && math.Signbit(v) == math.Signbit(f) {
			return append(dst, text...)
		}
	}
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return append(dst, "null"...)
	}
	return strconv.AppendFloat(dst, f, 'f', -1, 64)
}

// appendEventTime writes t in UTC: as TimeLayout when it is a whole second,
// else as RFC 3339 with the shortest fraction (so nothing is lost; Validate
// reports such a record). The zero time is absent.
func appendEventTime(dst []byte, t time.Time) []byte {
	if t.IsZero() {
		return dst
	}
	dst = append(dst, `,"eventTime":"`...)
	t = t.UTC()
	year, month, day := t.Date()
	if t.Nanosecond() != 0 || year < 0 || year > 9999 {
		dst = t.AppendFormat(dst, time.RFC3339Nano)
		return append(dst, '"')
	}
	hour, minute, sec := t.Clock()
	dst = append(dst,
		byte('0'+year/1000), byte('0'+year/100%10), byte('0'+year/10%10), byte('0'+year%10), '-',
		byte('0'+month/10), byte('0'+month%10), '-',
		byte('0'+day/10), byte('0'+day%10), 'T',
		byte('0'+hour/10), byte('0'+hour%10), ':',
		byte('0'+minute/10), byte('0'+minute%10), ':',
		byte('0'+sec/10), byte('0'+sec%10), 'Z', '"')
	return dst
}

const hexDigits = "0123456789abcdef"

// safe[c] is true for the ASCII bytes that need no escaping in a JSON
// string written the way CloudTrail writes it.
var safe = func() (t [utf8.RuneSelf]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\' && !htmlByte(byte(c))
	}
	return t
}()

// htmlByte reports whether c is one of the five characters Gson's
// HTML-safe mode escapes: ' = & < >.
func htmlByte(c byte) bool {
	return c == '\'' || c == '=' || c == '&' || c == '<' || c == '>'
}

// flagged returns, in bit 7 of each byte, which bytes of the eight in x
// need attention in a string: a control byte, '"', '\\', one of the five
// HTML characters, or a byte >= 0x80. (SWAR: a byte b of x is flagged in
// bit 7 of (x-k)&^x when b < k, and b == c is b^c < 1.)
func flagged(x uint64) uint64 {
	const lsb, msb = 0x0101010101010101, 0x8080808080808080
	q := x ^ (lsb * '"')
	b := x ^ (lsb * '\\')
	a := x ^ (lsb * '\'')
	e := x ^ (lsb * '=')
	m := x ^ (lsb * '&')
	l := x ^ (lsb * '<')
	g := x ^ (lsb * '>')
	return (x | (x-lsb*0x20)&^x | (q-lsb)&^q | (b-lsb)&^b | (a-lsb)&^a |
		(e-lsb)&^e | (m-lsb)&^m | (l-lsb)&^l | (g-lsb)&^g) & msb
}

// load8 reads eight bytes of s at i, little-endian.
func load8(s string, i int) uint64 {
	t := s[i : i+8]
	return uint64(t[0]) | uint64(t[1])<<8 | uint64(t[2])<<16 | uint64(t[3])<<24 |
		uint64(t[4])<<32 | uint64(t[5])<<40 | uint64(t[6])<<48 | uint64(t[7])<<56
}

// appendString writes s as a JSON string the way CloudTrail does (Gson in
// HTML-safe mode): " and \ escaped with a backslash; \b \f \n \r \t;
// other bytes below 0x20 as \u00xx (lowercase hex); ' = & < > as \u0027
// \u003d \u0026 \u003c \u003e; U+2028 and U+2029 as \u2028 and \u2029;
// invalid UTF-8 as \ufffd; everything else, / and non-ASCII text
// included, literally.
func appendString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; ; {
		// Skip eight bytes at a time while none needs attention.
		for len(s)-i >= 8 && flagged(load8(s, i)) == 0 {
			i += 8
		}
		if n := len(s); n-i < 8 && n >= 8 && i < n {
			// The tail: test the last eight bytes, overlapping bytes
			// already known to be safe.
			if flagged(load8(s, n-8)) == 0 {
				i = n
			}
		}
		if i >= len(s) {
			break
		}
		c := s[i]
		if c < utf8.RuneSelf {
			if safe[c] {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch c {
			case '"', '\\':
				dst = append(dst, '\\', c)
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			i++
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

// appendRawValue appends a raw JSON value with the characters CloudTrail
// always escapes, and that valid JSON can hold only inside strings, escaped
// as CloudTrail writes them: ' = & < > as \u0027 \u003d \u0026 \u003c
// \u003e, and U+2028 and U+2029 as \u2028 and \u2029. Everything else is
// copied. Raw values CloudTrail wrote contain none of them; the builders use
// it on raw members built in Go (json.Marshal leaves ' and = literal).
func appendRawValue(dst []byte, raw []byte) []byte {
	s := raw
	start := 0
	for i := 0; i < len(s); {
		if len(s)-i >= 8 {
			x := uint64(s[i]) | uint64(s[i+1])<<8 | uint64(s[i+2])<<16 | uint64(s[i+3])<<24 |
				uint64(s[i+4])<<32 | uint64(s[i+5])<<40 | uint64(s[i+6])<<48 | uint64(s[i+7])<<56
			if rawFlagged(x) == 0 {
				i += 8
				continue
			}
		}
		c := s[i]
		switch {
		case htmlByte(c):
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			i++
			start = i
		case c == 0xE2 && i+2 < len(s) && s[i+1] == 0x80 && (s[i+2] == 0xA8 || s[i+2] == 0xA9):
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hexDigits[s[i+2]&0xF])
			i += 3
			start = i
		default:
			i++
		}
	}
	return append(dst, s[start:]...)
}

// rawFlagged is flagged for raw values: it flags the five HTML characters
// and the lead byte 0xE2 of U+2028 and U+2029.
func rawFlagged(x uint64) uint64 {
	const lsb, msb = 0x0101010101010101, 0x8080808080808080
	a := x ^ (lsb * '\'')
	e := x ^ (lsb * '=')
	m := x ^ (lsb * '&')
	l := x ^ (lsb * '<')
	g := x ^ (lsb * '>')
	u := x ^ (lsb * 0xE2)
	return ((a-lsb)&^a | (e-lsb)&^e | (m-lsb)&^m | (l-lsb)&^l | (g-lsb)&^g | (u-lsb)&^u) & msb
}
