package event

import (
	"encoding/json"
	"testing"
)

// The baseline: the same record shape as plain structs with json tags, the
// way one would write it for encoding/json. It has no Unknown members (so
// it loses data encoding/json cannot place) and cannot tell "" from absent
// in some places; it is a speed reference, not a substitute.
type mirrorRecord struct {
	EventVersion                 string              `json:"eventVersion,omitempty"`
	UserIdentity                 *mirrorUserIdentity `json:"userIdentity,omitempty"`
	EventTime                    string              `json:"eventTime,omitempty"`
	EventSource                  string              `json:"eventSource,omitempty"`
	EventName                    string              `json:"eventName,omitempty"`
	AWSRegion                    string              `json:"awsRegion,omitempty"`
	SourceIPAddress              string              `json:"sourceIPAddress,omitempty"`
	UserAgent                    string              `json:"userAgent,omitempty"`
	ErrorCode                    string              `json:"errorCode,omitempty"`
	ErrorMessage                 string              `json:"errorMessage,omitempty"`
	RequestParameters            json.RawMessage     `json:"requestParameters,omitempty"`
	ResponseElements             json.RawMessage     `json:"responseElements,omitempty"`
	AdditionalEventData          json.RawMessage     `json:"additionalEventData,omitempty"`
	RequestID                    string              `json:"requestID,omitempty"`
	EventID                      string              `json:"eventID,omitempty"`
	ReadOnly                     *bool               `json:"readOnly,omitempty"`
	Resources                    []mirrorResource    `json:"resources,omitempty"`
	EventType                    string              `json:"eventType,omitempty"`
	APIVersion                   string              `json:"apiVersion,omitempty"`
	ManagementEvent              *bool               `json:"managementEvent,omitempty"`
	RecipientAccountID           string              `json:"recipientAccountId,omitempty"`
	SharedEventID                string              `json:"sharedEventID,omitempty"`
	VPCEndpointID                string              `json:"vpcEndpointId,omitempty"`
	VPCEndpointAccountID         string              `json:"vpcEndpointAccountId,omitempty"`
	ServiceEventDetails          json.RawMessage     `json:"serviceEventDetails,omitempty"`
	EventCategory                string              `json:"eventCategory,omitempty"`
	Addendum                     *mirrorAddendum     `json:"addendum,omitempty"`
	TLSDetails                   *mirrorTLSDetails   `json:"tlsDetails,omitempty"`
	SessionCredentialFromConsole string              `json:"sessionCredentialFromConsole,omitempty"`
	EdgeDeviceDetails            json.RawMessage     `json:"edgeDeviceDetails,omitempty"`
	InsightDetails               *mirrorInsight      `json:"insightDetails,omitempty"`
	EventContext                 json.RawMessage     `json:"eventContext,omitempty"`
	Annotation                   string              `json:"annotation,omitempty"`
}

type mirrorUserIdentity struct {
	Type              string                `json:"type,omitempty"`
	PrincipalID       string                `json:"principalId,omitempty"`
	ARN               string                `json:"arn,omitempty"`
	AccountID         string                `json:"accountId,omitempty"`
	AccessKeyID       string                `json:"accessKeyId,omitempty"`
	UserName          string                `json:"userName,omitempty"`
	SessionContext    *mirrorSessionContext `json:"sessionContext,omitempty"`
	InvokedBy         string                `json:"invokedBy,omitempty"`
	InvokedByDelegate *struct {
		AccountID string `json:"accountId,omitempty"`
	} `json:"invokedByDelegate,omitempty"`
	IdentityProvider string `json:"identityProvider,omitempty"`
	CredentialID     string `json:"credentialId,omitempty"`
	OnBehalfOf       *struct {
		UserID           string `json:"userId,omitempty"`
		IdentityStoreARN string `json:"identityStoreArn,omitempty"`
	} `json:"onBehalfOf,omitempty"`
	InScopeOf *struct {
		SourceARN           string `json:"sourceArn,omitempty"`
		SourceAccount       string `json:"sourceAccount,omitempty"`
		IssuerType          string `json:"issuerType,omitempty"`
		CredentialsIssuedTo string `json:"credentialsIssuedTo,omitempty"`
	} `json:"inScopeOf,omitempty"`
}

type mirrorSessionContext struct {
	SessionIssuer *struct {
		Type        string `json:"type,omitempty"`
		PrincipalID string `json:"principalId,omitempty"`
		ARN         string `json:"arn,omitempty"`
		AccountID   string `json:"accountId,omitempty"`
		UserName    string `json:"userName,omitempty"`
	} `json:"sessionIssuer,omitempty"`
	WebIDFederationData *struct {
		FederatedProvider string          `json:"federatedProvider,omitempty"`
		Attributes        json.RawMessage `json:"attributes,omitempty"`
	} `json:"webIdFederationData,omitempty"`
	Attributes *struct {
		CreationDate     string `json:"creationDate,omitempty"`
		MFAAuthenticated string `json:"mfaAuthenticated,omitempty"`
	} `json:"attributes,omitempty"`
	SourceIdentity   string `json:"sourceIdentity,omitempty"`
	EC2RoleDelivery  string `json:"ec2RoleDelivery,omitempty"`
	EC2IssuedInVPC   string `json:"ec2IssuedInVPC,omitempty"`
	AssumedRoot      string `json:"assumedRoot,omitempty"`
	SignInSessionARN string `json:"signInSessionArn,omitempty"`
}

type mirrorResource struct {
	AccountID string `json:"accountId,omitempty"`
	Type      string `json:"type,omitempty"`
	ARN       string `json:"ARN,omitempty"`
	ARNPrefix string `json:"ARNPrefix,omitempty"`
}

type mirrorAddendum struct {
	Reason            string          `json:"reason,omitempty"`
	UpdatedFields     json.RawMessage `json:"updatedFields,omitempty"`
	OriginalRequestID string          `json:"originalRequestID,omitempty"`
	OriginalEventID   string          `json:"originalEventID,omitempty"`
}

type mirrorTLSDetails struct {
	TLSVersion               string `json:"tlsVersion,omitempty"`
	CipherSuite              string `json:"cipherSuite,omitempty"`
	ClientProvidedHostHeader string `json:"clientProvidedHostHeader,omitempty"`
	KeyExchange              string `json:"keyExchange,omitempty"`
}

type mirrorAverage struct {
	Average float64 `json:"average"`
}

type mirrorValue struct {
	Value   string  `json:"value,omitempty"`
	Average float64 `json:"average"`
}

type mirrorInsight struct {
	State          string `json:"state,omitempty"`
	EventSource    string `json:"eventSource,omitempty"`
	EventName      string `json:"eventName,omitempty"`
	InsightType    string `json:"insightType,omitempty"`
	ErrorCode      string `json:"errorCode,omitempty"`
	InsightContext *struct {
		Statistics *struct {
			Baseline         *mirrorAverage `json:"baseline,omitempty"`
			Insight          *mirrorAverage `json:"insight,omitempty"`
			InsightDuration  *int64         `json:"insightDuration,omitempty"`
			BaselineDuration *int64         `json:"baselineDuration,omitempty"`
		} `json:"statistics,omitempty"`
		Attributions []struct {
			Attribute string        `json:"attribute,omitempty"`
			Insight   []mirrorValue `json:"insight,omitempty"`
			Baseline  []mirrorValue `json:"baseline,omitempty"`
		} `json:"attributions,omitempty"`
	} `json:"insightContext,omitempty"`
}

// codecBenchTypical returns the typical record (testdata/codec-api-call.json,
// 1528 bytes), its JSON, and the same JSON decoded into the mirror.
func codecBenchTypical(b *testing.B) (*Record, []byte, *mirrorRecord) {
	r := codecTypicalRecord()
	data := r.AppendJSON(nil)
	var m mirrorRecord
	if err := json.Unmarshal(data, &m); err != nil {
		b.Fatal(err)
	}
	return r, data, &m
}

func BenchmarkEncode(b *testing.B) {
	r, data, m := codecBenchTypical(b)
	b.Run("AppendJSON", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		buf := make([]byte, 0, 4096)
		for b.Loop() {
			buf = r.AppendJSON(buf[:0])
		}
	})
	b.Run("json.Marshal/Record", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		for b.Loop() {
			if _, err := json.Marshal(r); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("json.Marshal/mirror", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		for b.Loop() {
			if _, err := json.Marshal(m); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkDecode(b *testing.B) {
	_, data, _ := codecBenchTypical(b)
	b.Run("Unmarshal", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		for b.Loop() {
			var r Record
			if err := Unmarshal(data, &r); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("json.Unmarshal/mirror", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		for b.Loop() {
			var m mirrorRecord
			if err := json.Unmarshal(data, &m); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// The corpus benchmarks process all 884 real records per iteration.

func codecBenchCorpus(b *testing.B) ([][]byte, []Record, []mirrorRecord, int64) {
	lines := codecCorpusLines(b)
	recs := make([]Record, len(lines))
	mirrors := make([]mirrorRecord, len(lines))
	var n int64
	for i, l := range lines {
		if err := Unmarshal(l, &recs[i]); err != nil {
			b.Fatal(err)
		}
		if err := json.Unmarshal(l, &mirrors[i]); err != nil {
			b.Fatalf("line %d does not fit the mirror: %v", i+1, err)
		}
		n += int64(len(l))
	}
	return lines, recs, mirrors, n
}

func BenchmarkEncodeCorpus(b *testing.B) {
	_, recs, mirrors, n := codecBenchCorpus(b)
	b.Run("AppendJSON", func(b *testing.B) {
		b.SetBytes(n)
		b.ReportAllocs()
		buf := make([]byte, 0, 16<<10)
		for b.Loop() {
			for i := range recs {
				buf = recs[i].AppendJSON(buf[:0])
			}
		}
	})
	b.Run("json.Marshal/mirror", func(b *testing.B) {
		b.SetBytes(n)
		b.ReportAllocs()
		for b.Loop() {
			for i := range mirrors {
				if _, err := json.Marshal(&mirrors[i]); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
}

func BenchmarkDecodeCorpus(b *testing.B) {
	lines, _, _, n := codecBenchCorpus(b)
	b.Run("Unmarshal", func(b *testing.B) {
		b.SetBytes(n)
		b.ReportAllocs()
		for b.Loop() {
			for _, l := range lines {
				var r Record
				if err := Unmarshal(l, &r); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
	b.Run("json.Unmarshal/mirror", func(b *testing.B) {
		b.SetBytes(n)
		b.ReportAllocs()
		for b.Loop() {
			for _, l := range lines {
				var m mirrorRecord
				if err := json.Unmarshal(l, &m); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
}
