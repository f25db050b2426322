// Command fieldgen writes event's member tables from the one field table
// below: the decoder's key switches and member readers, the encoder's key
// lists (default member order, straight-line and by layout), the layout
// rank tables, and the encoding/json mirror types the benchmarks compare
// against. Run it with go generate in package event; CI regenerates and
// checks that nothing changed.
package main

import (
	"bytes"
	"fmt"
	"go/format"
	"log"
	"os"
	"strings"
)

// kind is how a member's value is read and written.
type kind int

const (
	str     kind = iota // string; "" is absent
	strT                // a named string type (EventType, …)
	raw                 // json.RawMessage kept verbatim; nil is absent
	boolean             // *bool
	evtime              // time.Time written in TimeLayout
	objKind             // *T
	arrKind             // []T of objects; nil is absent
	minutes             // *int64 in canonical integer form
	average             // float64 plus the text as read
)

type field struct {
	json, goName string
	kind         kind
	typ          string // object and array: the element type
	alloc        bool   // object: taken from the decoder's record block
	// unique marks a string whose values seldom repeat (ids, timestamps):
	// the decoder does not look them up in its cache of recent values.
	unique bool
}

type object struct {
	name   string
	fields []field // in the default (documented) member order
	// insightOrder, for Record only: the members an Insights record
	// writes first, in order; the rest follow in the default order.
	insightOrder []string
}

func f(json, goName string, k kind) field { return field{json: json, goName: goName, kind: k} }

// id is a string member whose values seldom repeat.
func id(json, goName string) field { return field{json: json, goName: goName, kind: str, unique: true} }
func obj(json, goName, typ string, alloc bool) field {
	return field{json: json, goName: goName, kind: objKind, typ: typ, alloc: alloc}
}
func arr(json, goName, typ string) field {
	return field{json: json, goName: goName, kind: arrKind, typ: typ}
}

// objects is the field table: every CloudTrail member name, once, in the
// default order the encoder writes for records built in Go. A field's index
// is its position here.
var objects = []object{
	{name: "Record", fields: []field{
		f("eventVersion", "EventVersion", str),
		obj("userIdentity", "UserIdentity", "UserIdentity", true),
		f("eventTime", "EventTime", evtime),
		f("eventSource", "EventSource", str),
		f("eventName", "EventName", str),
		f("awsRegion", "AWSRegion", str),
		f("sourceIPAddress", "SourceIPAddress", str),
		f("userAgent", "UserAgent", str),
		f("errorCode", "ErrorCode", str),
		f("errorMessage", "ErrorMessage", str),
		f("requestParameters", "RequestParameters", raw),
		f("responseElements", "ResponseElements", raw),
		f("additionalEventData", "AdditionalEventData", raw),
		id("requestID", "RequestID"),
		id("eventID", "EventID"),
		f("readOnly", "ReadOnly", boolean),
		arr("resources", "Resources", "Resource"),
		f("eventType", "EventType", strT),
		f("apiVersion", "APIVersion", str),
		f("managementEvent", "ManagementEvent", boolean),
		f("recipientAccountId", "RecipientAccountID", str),
		id("sharedEventID", "SharedEventID"),
		f("vpcEndpointId", "VPCEndpointID", str),
		f("vpcEndpointAccountId", "VPCEndpointAccountID", str),
		f("serviceEventDetails", "ServiceEventDetails", raw),
		f("eventCategory", "EventCategory", strT),
		obj("addendum", "Addendum", "Addendum", false),
		obj("tlsDetails", "TLSDetails", "TLSDetails", true),
		f("sessionCredentialFromConsole", "SessionCredentialFromConsole", str),
		f("edgeDeviceDetails", "EdgeDeviceDetails", raw),
		obj("insightDetails", "InsightDetails", "InsightDetails", false),
		f("eventContext", "EventContext", raw),
		f("annotation", "Annotation", str),
	}, insightOrder: []string{"eventVersion", "eventTime", "awsRegion", "eventID", "eventType",
		"recipientAccountId", "sharedEventID", "insightDetails", "eventCategory"}},
	{name: "UserIdentity", fields: []field{
		f("type", "Type", strT),
		f("principalId", "PrincipalID", str),
		f("arn", "ARN", str),
		f("accountId", "AccountID", str),
		f("accessKeyId", "AccessKeyID", str),
		f("userName", "UserName", str),
		obj("sessionContext", "SessionContext", "SessionContext", true),
		f("invokedBy", "InvokedBy", str),
		f("identityProvider", "IdentityProvider", str),
		obj("onBehalfOf", "OnBehalfOf", "OnBehalfOf", false),
		f("credentialId", "CredentialID", str),
		obj("invokedByDelegate", "InvokedByDelegate", "InvokedByDelegate", false),
		obj("inScopeOf", "InScopeOf", "InScopeOf", false),
	}},
	{name: "SessionContext", fields: []field{
		obj("sessionIssuer", "SessionIssuer", "SessionIssuer", true),
		obj("webIdFederationData", "WebIDFederationData", "WebIDFederationData", true),
		obj("attributes", "Attributes", "SessionAttributes", true),
		f("sourceIdentity", "SourceIdentity", str),
		f("ec2RoleDelivery", "EC2RoleDelivery", str),
		f("ec2IssuedInVPC", "EC2IssuedInVPC", str),
		f("assumedRoot", "AssumedRoot", str),
		f("signInSessionArn", "SignInSessionARN", str),
	}},
	{name: "SessionIssuer", fields: []field{
		f("type", "Type", str),
		f("principalId", "PrincipalID", str),
		f("arn", "ARN", str),
		f("accountId", "AccountID", str),
		f("userName", "UserName", str),
	}},
	{name: "WebIDFederationData", fields: []field{
		f("federatedProvider", "FederatedProvider", str),
		f("attributes", "Attributes", raw),
	}},
	{name: "SessionAttributes", fields: []field{
		id("creationDate", "CreationDate"),
		f("mfaAuthenticated", "MFAAuthenticated", str),
	}},
	{name: "InvokedByDelegate", fields: []field{
		f("accountId", "AccountID", str),
	}},
	{name: "OnBehalfOf", fields: []field{
		f("userId", "UserID", str),
		f("identityStoreArn", "IdentityStoreARN", str),
	}},
	{name: "InScopeOf", fields: []field{
		f("sourceArn", "SourceARN", str),
		f("sourceAccount", "SourceAccount", str),
		f("issuerType", "IssuerType", str),
		f("credentialsIssuedTo", "CredentialsIssuedTo", str),
	}},
	{name: "Resource", fields: []field{
		f("accountId", "AccountID", str),
		f("type", "Type", str),
		f("ARN", "ARN", str),
		f("ARNPrefix", "ARNPrefix", str),
	}},
	{name: "TLSDetails", fields: []field{
		f("tlsVersion", "TLSVersion", str),
		f("cipherSuite", "CipherSuite", str),
		f("clientProvidedHostHeader", "ClientProvidedHostHeader", str),
		f("keyExchange", "KeyExchange", str),
	}},
	{name: "Addendum", fields: []field{
		f("reason", "Reason", strT),
		f("updatedFields", "UpdatedFields", raw),
		id("originalRequestID", "OriginalRequestID"),
		id("originalEventID", "OriginalEventID"),
	}},
	{name: "InsightDetails", fields: []field{
		f("state", "State", strT),
		f("eventSource", "EventSource", str),
		f("eventName", "EventName", str),
		f("insightType", "InsightType", strT),
		f("errorCode", "ErrorCode", str),
		obj("insightContext", "InsightContext", "InsightContext", false),
	}},
	{name: "InsightContext", fields: []field{
		obj("statistics", "Statistics", "InsightStatistics", false),
		arr("attributions", "Attributions", "Attribution"),
	}},
	{name: "InsightStatistics", fields: []field{
		obj("baseline", "Baseline", "Average", false),
		obj("insight", "Insight", "Average", false),
		f("insightDuration", "InsightDuration", minutes),
		f("baselineDuration", "BaselineDuration", minutes),
	}},
	{name: "Average", fields: []field{
		f("average", "Average", average),
	}},
	{name: "Attribution", fields: []field{
		f("attribute", "Attribute", str),
		arr("insight", "Insight", "AttributionValue"),
		arr("baseline", "Baseline", "AttributionValue"),
	}},
	{name: "AttributionValue", fields: []field{
		f("value", "Value", str),
		f("average", "Average", average),
	}},
}

func main() {
	for _, o := range objects {
		if len(o.fields) >= 255 {
			log.Fatalf("%s: %d fields; a layout token is a byte and 255 marks an Unknown member", o.name, len(o.fields))
		}
		seen := map[string]bool{}
		for _, fl := range o.fields {
			if seen[fl.json] {
				log.Fatalf("%s: member %q twice", o.name, fl.json)
			}
			seen[fl.json] = true
		}
	}
	write("codec_fields.go", genCodec())
	write("bench_mirror_test.go", genMirror("event", true))
	// The peer benchmark module's copy of the mirror.
	write("../peerbench/mirror_test.go", genMirror("peerbench", false))
}

func write(path string, src []byte) {
	out, err := format.Source(src)
	if err != nil {
		log.Fatalf("%s: %v\n%s", path, err, src)
	}
	if err := os.WriteFile(path, out, 0o644); err != nil {
		log.Fatal(err)
	}
}

const header = "// Code generated by event/internal/fieldgen from its field table; DO NOT EDIT.\n\n"

func genCodec() []byte {
	var b bytes.Buffer
	p := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	p("%spackage event\n\nimport \"strconv\"\n\n", header)
	p("// Layout type ids: the first byte of an interned layout key.\nconst (\n")
	for i, o := range objects {
		p("\tlay%s = %d\n", o.name, i)
	}
	p(")\n\n")
	// Record's Insights order.
	rec := objects[0]
	idx := map[string]int{}
	for i, fl := range rec.fields {
		idx[fl.json] = i
	}
	ins := insightOrder(rec)
	rank := make([]int, len(rec.fields))
	for r, i := range ins {
		rank[i] = r
	}
	p("// recordInsightRanks is Record's rank table when insightDetails is present.\nvar recordInsightRanks = []uint8{")
	for _, r := range rank {
		p("%d, ", r)
	}
	p("}\n\n// recordInsightDetails is the index of Record's insightDetails field.\nconst recordInsightDetails = %d\n\n", idx["insightDetails"])
	p("// recordInsightOrder is Record's member order when InsightDetails is set.\nvar recordInsightOrder = []uint8{")
	for _, i := range ins {
		p("%d, ", i)
	}
	p("}\n\n")
	// The member names by layout type and field index, for the decoder's
	// key prediction.
	most := 0
	p("// fieldKeys[typ][i] is the member name of field i of layout type typ.\nvar fieldKeys = [...][]string{\n")
	for _, o := range objects {
		p("\tlay%s: {", o.name)
		for _, fl := range o.fields {
			p("%q, ", fl.json)
		}
		p("},\n")
		most = max(most, len(o.fields))
	}
	p("}\n\n// maxFields is the largest number of fields of an object type.\nconst maxFields = %d\n\n", most)
	for oi, o := range objects {
		p("// %s\n\n", o.name)
		p("func (x *%s) fieldIndex(key []byte) int {\n\tswitch string(key) {\n", o.name)
		for i, fl := range o.fields {
			p("\tcase %q:\n\t\treturn %d\n", fl.json, i)
		}
		p("\t}\n\treturn -1\n}\n\n")
		p("func (x *%s) unknownMembers() *Members { return &x.Unknown }\n\n", o.name)
		p("func (x *%s) layoutOf() (uint8, *uint16) { return lay%s, &x.layout }\n\n", o.name, o.name)
		p("func (x *%s) decodeField(d *decoder, i int) (bool, error) {\n\tswitch i {\n", o.name)
		for i, fl := range o.fields {
			p("\tcase %d: // %s\n\t\treturn %s\n", i, fl.json, decodeExpr(fl))
		}
		p("\t}\n\treturn false, nil\n}\n\n")
		p("func (x *%s) appendField(dst []byte, i int) []byte {\n\tswitch i {\n", o.name)
		for i, fl := range o.fields {
			p("\tcase %d:\n%s", i, encodeStmt(fl))
		}
		p("\t}\n\treturn dst\n}\n\n")
		p("func append%s(dst []byte, x *%s) []byte {\n\tstart := len(dst)\n", o.name, o.name)
		p("\tif x.layout != 0 {\n\t\tdst = appendLaidOut(dst, x, x.layout, x.Unknown, %d)\n\t\treturn closeObject(dst, start)\n\t}\n", len(o.fields))
		if oi == 0 {
			p("\tif x.InsightDetails != nil {\n")
			for _, i := range ins {
				p("%s", encodeStmt(o.fields[i]))
			}
			p("\t\tdst = appendMembers(dst, x.Unknown)\n\t\treturn closeObject(dst, start)\n\t}\n")
		}
		for _, fl := range o.fields {
			p("%s", encodeStmt(fl))
		}
		p("\tdst = appendMembers(dst, x.Unknown)\n\treturn closeObject(dst, start)\n}\n\n")
	}
	return b.Bytes()
}

func insightOrder(rec object) []int {
	idx := map[string]int{}
	for i, fl := range rec.fields {
		idx[fl.json] = i
	}
	var out []int
	first := map[int]bool{}
	for _, k := range rec.insightOrder {
		i, ok := idx[k]
		if !ok {
			log.Fatalf("insight order names %q, not a Record member", k)
		}
		out = append(out, i)
		first[i] = true
	}
	for i := range rec.fields {
		if !first[i] {
			out = append(out, i)
		}
	}
	return out
}

func decodeExpr(fl field) string {
	switch fl.kind {
	case str:
		if fl.unique {
			return fmt.Sprintf("d.uniqueStr(&x.%s)", fl.goName)
		}
		return fmt.Sprintf("d.str(&x.%s)", fl.goName)
	case strT:
		return fmt.Sprintf("d.str((*string)(&x.%s))", fl.goName)
	case raw:
		return fmt.Sprintf("d.raw(&x.%s)", fl.goName)
	case boolean:
		return fmt.Sprintf("d.boolean(&x.%s)", fl.goName)
	case evtime:
		return fmt.Sprintf("d.eventTime(&x.%s)", fl.goName)
	case objKind:
		if fl.alloc {
			return fmt.Sprintf("objFrom(d, &x.%s, d.new%s)", fl.goName, fl.typ)
		}
		return fmt.Sprintf("obj(d, &x.%s)", fl.goName)
	case arrKind:
		return fmt.Sprintf("array(d, &x.%s)", fl.goName)
	case minutes:
		return fmt.Sprintf("d.minutes(&x.%s)", fl.goName)
	case average:
		return fmt.Sprintf("d.average(&x.%s, &x.text)", fl.goName)
	}
	panic("kind")
}

func encodeStmt(fl field) string {
	key := fmt.Sprintf("`,%q:`", fl.json)
	switch fl.kind {
	case str:
		return fmt.Sprintf("\t\tdst = appendStr(dst, %s, x.%s)\n", key, fl.goName)
	case strT:
		return fmt.Sprintf("\t\tdst = appendStr(dst, %s, string(x.%s))\n", key, fl.goName)
	case raw:
		return fmt.Sprintf("\t\tdst = appendRaw(dst, %s, x.%s)\n", key, fl.goName)
	case boolean:
		return fmt.Sprintf("\t\tdst = appendBool(dst, %s, x.%s)\n", key, fl.goName)
	case evtime:
		return fmt.Sprintf("\t\tdst = appendEventTime(dst, %s, x.%s)\n", key, fl.goName)
	case objKind:
		return fmt.Sprintf("\t\tif x.%s != nil {\n\t\t\tdst = append(dst, %s...)\n\t\t\tdst = append%s(dst, x.%s)\n\t\t}\n", fl.goName, key, fl.typ, fl.goName)
	case arrKind:
		k := fmt.Sprintf("`,%q:[`", fl.json)
		return fmt.Sprintf("\t\tif x.%[1]s != nil {\n\t\t\tdst = append(dst, %[2]s...)\n\t\t\tfor i := range x.%[1]s {\n\t\t\t\tif i > 0 {\n\t\t\t\t\tdst = append(dst, ',')\n\t\t\t\t}\n\t\t\t\tdst = append%[3]s(dst, &x.%[1]s[i])\n\t\t\t}\n\t\t\tdst = append(dst, ']')\n\t\t}\n", fl.goName, k, fl.typ)
	case minutes:
		return fmt.Sprintf("\t\tif x.%s != nil {\n\t\t\tdst = append(dst, %s...)\n\t\t\tdst = strconv.AppendInt(dst, *x.%s, 10)\n\t\t}\n", fl.goName, key, fl.goName)
	case average:
		// An "average" the decoder could not hold stays in Unknown and
		// is written from there instead.
		return fmt.Sprintf("\t\tif _, ok := x.Unknown.Get(%q); !ok {\n\t\t\tdst = append(dst, %s...)\n\t\t\tdst = appendNumber(dst, x.%s, x.text)\n\t\t}\n", fl.json, key, fl.goName)
	}
	panic("kind")
}

// genMirror writes the plain structs with json tags that the benchmarks
// decode into with encoding/json and the peer libraries.
func genMirror(pkg string, test bool) []byte {
	var b bytes.Buffer
	p := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	p("%spackage %s\n\nimport \"encoding/json\"\n\n", header, pkg)
	p("// The benchmarks' baseline: the record shape as plain structs with json\n// tags, the way one would write it for encoding/json. It has no Unknown\n// members (so it loses what it cannot place) and cannot tell \"\" from\n// absent; it is a speed reference, not a substitute.\n\n")
	_ = test
	for _, o := range objects {
		p("type mirror%s struct {\n", o.name)
		for _, fl := range o.fields {
			var t string
			omit := ",omitempty"
			switch fl.kind {
			case str, strT, evtime:
				t = "string"
			case raw:
				t = "json.RawMessage"
			case boolean:
				t = "*bool"
			case objKind:
				t = "*mirror" + fl.typ
			case arrKind:
				t = "[]mirror" + fl.typ
			case minutes:
				t = "*int64"
			case average:
				t, omit = "float64", ""
			}
			p("\t%s %s `json:\"%s%s\"`\n", fl.goName, t, fl.json, omit)
		}
		p("}\n\n")
	}
	return []byte(strings.TrimRight(b.String(), "\n") + "\n")
}
