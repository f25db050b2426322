package eventtest

import (
	"fmt"
	"slices"
	"time"

	"github.com/trailkit/trailkit/event"
)

// Truth is the ground truth of one injected attack or anomaly: the records
// it produced, who made them and when.
type Truth struct {
	// Kind is "attack" or "anomaly".
	Kind string
	// Name is the technique's ID for an attack, the AnomalyKind for an
	// anomaly.
	Name string
	// TacticID and TechniqueID are the technique's ATT&CK ids (attacks
	// only).
	TacticID, TechniqueID string
	// Index is the position of the attack in Config.Attacks or of the
	// anomaly in Config.Anomalies.
	Index int
	// Account and Region: where the records are (Region is the attack's
	// Region; global calls of it are in us-east-1).
	Account, Region string
	// Actor performed the records; for an anomaly without an Actor, zero.
	// A technique that uses credentials taken off an instance
	// (aws.credential-access.ec2-steal-instance-credentials) makes those
	// calls as the instance's role, from the actor's address.
	Actor Actor
	// First and Last are the eventTime of the first and the last record;
	// for an anomaly they are its window [Start, End) instead, the records
	// falling inside it.
	First, Last time.Time
	// EventIDs of the records, in the order Records yields them. For an
	// anomaly with an Actor exactly the records it added; without one,
	// every record of the affected series inside the window (a Spike's
	// and ErrorBurst's added calls are not told apart from the baseline),
	// and none for a Drop.
	EventIDs []string
}

// addExtras builds the attacks' records and checks the caller's, and
// merges both, in time order, into g.extras.
func (g *Generator) addExtras() error {
	cfg := g.cfg
	for i, at := range cfg.Attacks {
		a, err := g.runAttack(i, len(cfg.Attacks), at)
		if err != nil {
			return err
		}
		g.attacks = append(g.attacks, a)
		g.extras = append(g.extras, a.records...)
	}
	end := cfg.Start.Add(cfg.Duration)
	for i, r := range cfg.Extra {
		field := fmt.Sprintf("Extra[%d]", i)
		if err := event.Validate(r); err != nil {
			return configErr(field, err.Error())
		}
		if r.EventTime.Before(cfg.Start) || !r.EventTime.Before(end) {
			return configErr(field, fmt.Sprintf("eventTime %s is outside the generated span [%s, %s)",
				r.EventTime.Format(time.RFC3339), cfg.Start.Format(time.RFC3339), end.Format(time.RFC3339)))
		}
		g.extras = append(g.extras, r)
	}
	slices.SortStableFunc(g.extras, func(x, y *event.Record) int { return x.EventTime.Compare(y.EventTime) })
	return nil
}

// Truth returns the ground truth of every Attack (in Config order), then
// of every Anomaly (in Config order). An anomaly's records are found by
// generating the minutes of its window again.
func (g *Generator) Truth() []Truth {
	var out []Truth
	for i, a := range g.attacks {
		t := Truth{Kind: "attack", Name: a.tech.ID, TacticID: a.tech.TacticID, TechniqueID: a.tech.TechniqueID, Index: i,
			Account: a.Account, Region: a.Region, Actor: a.Actor}
		for _, r := range a.records {
			t.EventIDs = append(t.EventIDs, r.EventID)
		}
		t.First, t.Last = a.records[0].EventTime, a.records[len(a.records)-1].EventTime
		out = append(out, t)
	}
	for i, an := range g.anomalies {
		info := g.anomInfo[i]
		t := Truth{Kind: "anomaly", Name: string(an.Kind), Index: i, Account: info.account, Region: an.Region,
			First: an.Start, Last: an.end()}
		if an.Actor != nil {
			t.Actor = info.actor
		}
		if an.Kind != Drop {
			b := newBuilder(g)
			for m := info.from; m < info.to; m++ {
				recs := b.minute(m)
				for k, r := range recs {
					if slices.Contains(info.series, int(b.sorted[k].series)) {
						t.EventIDs = append(t.EventIDs, r.EventID)
					}
				}
			}
		}
		out = append(out, t)
	}
	return out
}
