package insights

import (
	"math"
	"time"

	"github.com/trailkit/trailkit/event"
)

// eventVersion is the eventVersion of the Insights records the detector
// writes (the version of CloudTrail's published Insights examples).
const eventVersion = "1.08"

// round10 rounds to 10 decimal places, as CloudTrail prints averages.
func round10(x float64) float64 { return math.Round(x*1e10) / 1e10 }

// insightRecord builds a Start or End record at step m. rate is the
// insight average and dur the duration, both in steps; sk holds the
// insight-window attributions. The record reports calls per minute and
// minutes, whatever the step.
func (d *Detector) insightRecord(s *series, o *openInsight, state event.InsightState, m int64,
	rate float64, dur int64, sk *[numAttrs]topK) *event.Record {
	sm := d.cfg.stepMin
	rate /= sm
	dur = int64(math.Round(float64(dur) * sm))
	baseDur := int64(math.Round(float64(o.baseDur) * sm))
	baseAvg := o.baseAvg / sm
	stats := &event.InsightStatistics{
		Baseline:         &event.Average{Average: round10(baseAvg)},
		Insight:          &event.Average{Average: round10(rate)},
		InsightDuration:  &dur,
		BaselineDuration: &baseDur,
	}
	ctx := &event.InsightContext{Statistics: stats}
	// Attributions are decided when the insight opens: a series fed only
	// through Observe until then has none, in Start and End alike.
	if o.baseAttr != nil {
		nattr := numAttrs
		if s.key.InsightType == event.APIErrorRateInsight {
			nattr = attrError // the error code is the series itself
		}
		if state == event.InsightStart {
			for a := range nattr {
				o.baseAttr = append(o.baseAttr, event.Attribution{
					Attribute: attrNames[a],
					Baseline:  attributionValues(ptr(s.attrs[a].sketch(false, &s.values[a])), baseAvg),
				})
			}
		}
		ctx.Attributions = make([]event.Attribution, nattr)
		for a := range nattr {
			ctx.Attributions[a] = event.Attribution{
				Attribute: attrNames[a],
				Insight:   attributionValues(&sk[a], rate),
				Baseline:  o.baseAttr[a].Baseline,
			}
		}
	}
	k := &s.key
	det := &event.InsightDetails{
		State:          state,
		EventSource:    k.EventSource,
		EventName:      k.EventName,
		InsightType:    k.InsightType,
		ErrorCode:      k.ErrorCode,
		InsightContext: ctx,
	}
	return &event.Record{
		EventVersion:       eventVersion,
		EventTime:          time.Unix(m*d.cfg.step, 0).UTC(),
		AWSRegion:          k.Region,
		EventID:            d.cfg.newID(),
		EventType:          event.AwsCloudTrailInsight,
		RecipientAccountID: k.AccountID,
		SharedEventID:      o.sharedID,
		InsightDetails:     det,
		EventCategory:      event.CategoryInsight,
	}
}

// attributionValues turns a sketch into at most 5 values whose averages are
// their share of the sketch times rate, highest first. Values with a zero
// average are left out; the list is empty, not absent, when none remains.
func attributionValues(t *topK, rate float64) []event.AttributionValue {
	out := []event.AttributionValue{}
	for _, sh := range t.shares(5) {
		avg := round10(sh.share * rate)
		if avg <= 0 {
			continue
		}
		out = append(out, event.AttributionValue{Value: sh.value, Average: avg})
	}
	return out
}

func ptr[T any](v T) *T { return &v }
