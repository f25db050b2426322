package trail

import (
	"errors"
	"slices"
	"strings"

	"github.com/trailkit/trailkit/event"
)

// CompileOptions tunes the compiled filter where CloudTrail's behaviour is
// not documented (spec §10). The zero value is trailkit's documented
// choice for each point; see the package documentation.
type CompileOptions struct {
	// AbsentReadOnly, when set, is the readOnly value assumed for a record
	// without "readOnly" (false: a write, true: a read), by ReadWriteType
	// ReadOnly/WriteOnly and advanced readOnly conditions alike. By default
	// (nil) neither ReadOnly nor WriteOnly, nor a readOnly Equals
	// condition, matches such a record; All does.
	AbsentReadOnly *bool
	// AbsentFieldFailsNegative makes a field absent from the record fail
	// negative operators too. By default an absent field fails every
	// positive operator and passes every negative one.
	AbsentFieldFailsNegative bool
	// ResourceFieldsIndependent evaluates each resources.* condition over
	// all of the record's resources on its own (positive part: some entry
	// matches; negative part: no entry matches). By default one resource
	// entry has to satisfy every resources.* condition of the selector.
	ResourceFieldsIndependent bool
	// ARNPrefixOverlap lets a selector prefix that is longer than a
	// record's ARNPrefix match it (a bucket-level ListObjects on bkt/
	// matches a selector on bkt/images/). By default an ARNPrefix is
	// compared exactly like an ARN.
	ARNPrefixOverlap bool
	// DynamoDBTablePrefix makes basic AWS::DynamoDB::Table values prefix
	// matches; by default they match the table ARN exactly.
	DynamoDBTablePrefix bool
	// IgnoreOwnerCaller turns off the owner/caller rule for data events
	// (spec §2.4): by default a data event delivered to an account that is
	// neither the resource owner nor the caller is not recorded.
	IgnoreOwnerCaller bool
	// GlobalServiceEventSources overrides the event sources whose us-east-1
	// events are global service events; nil means those CloudTrail records
	// as such (spec §5): iam.amazonaws.com, sts.amazonaws.com (the global
	// endpoint) and cloudfront.amazonaws.com.
	GlobalServiceEventSources []string
}

// defaultGlobalSources are the sources whose events CloudTrail records as
// us-east-1 global service events (spec §5).
var defaultGlobalSources = []string{"iam.amazonaws.com", "sts.amazonaws.com", "cloudfront.amazonaws.com"}

// ErrSelectorsNotLoaded is returned by Compile when HasCustomEventSelectors
// is true but the trail carries no selectors (describe-trails does not
// print them); load the get-event-selectors output into the trail first.
var ErrSelectorsNotLoaded = errors.New("trail: HasCustomEventSelectors is true but no selectors were loaded")

// Filter is a compiled trail: it answers whether the trail records an
// event. It is immutable and safe for concurrent use.
type Filter struct {
	opts       CompileOptions
	logging    bool
	account    string
	org        bool
	orgAll     bool
	orgMembers map[string]struct{}
	home       string
	multi      bool
	global     bool // IncludeGlobalServiceEvents
	globalSrc  []string
	kind       selectorKind
	basic      []basicSel
	adv        []advSel
	// advByCat lists, per category (catIndex), the advanced selectors whose
	// eventCategory conditions admit it; the others cannot match a record
	// of that category, so Match skips them.
	advByCat [3][]*advSel
}

// catIndex numbers the three categories selectors can match; -1 otherwise.
func catIndex(c event.Category) int {
	switch c {
	case event.CategoryManagement:
		return 0
	case event.CategoryData:
		return 1
	case event.CategoryNetworkActivity:
		return 2
	}
	return -1
}

var selectableCategories = [3]event.Category{event.CategoryManagement, event.CategoryData, event.CategoryNetworkActivity}

// selectorKind says which kind of selectors a trail uses.
type selectorKind uint8

// The selector kinds.
const (
	// defaultSelector is the implicit "all management events" selector of
	// a trail that never had selectors set.
	defaultSelector selectorKind = iota
	basicSelector
	advancedSelector
)

func (k selectorKind) String() string {
	switch k {
	case basicSelector:
		return "basic"
	case advancedSelector:
		return "advanced"
	}
	return "default"
}

// Compile builds the filter of t. Compile does not run Validate: it
// compiles whatever t holds (an unknown advanced Field is a field no
// record has). It fails only when t has both selector kinds (a
// *ValidationError with the BasicAndAdvanced problem Validate reports too)
// or claims custom selectors it does not carry (ErrSelectorsNotLoaded).
// The filter does not retain t or opts.
func Compile(t *Trail, opts CompileOptions) (*Filter, error) {
	if t == nil {
		return nil, errors.New("trail: Compile of a nil *Trail")
	}
	f := &Filter{
		opts:    opts,
		logging: t.logging(),
		account: t.account(),
		org:     t.IsOrganizationTrail,
		home:    t.region(),
		multi:   t.IsMultiRegionTrail,
		global:  t.IncludeGlobalServiceEvents,
	}
	if opts.AbsentReadOnly != nil {
		ro := *opts.AbsentReadOnly
		f.opts.AbsentReadOnly = &ro
	}
	f.globalSrc = defaultGlobalSources
	if f.opts.GlobalServiceEventSources != nil {
		f.globalSrc = slices.Clone(f.opts.GlobalServiceEventSources)
	}
	if f.org {
		if len(t.OrganizationAccountIds) == 0 {
			f.orgAll = true
		} else {
			f.orgMembers = make(map[string]struct{}, len(t.OrganizationAccountIds))
			for _, a := range t.OrganizationAccountIds {
				f.orgMembers[a] = struct{}{}
			}
		}
	}
	switch {
	case len(t.EventSelectors) > 0 && len(t.AdvancedEventSelectors) > 0:
		return nil, &ValidationError{Problems: []Problem{bothKindsProblem}}
	case len(t.AdvancedEventSelectors) > 0:
		f.kind = advancedSelector
		for i := range t.AdvancedEventSelectors {
			f.adv = append(f.adv, compileAdvanced(i, &t.AdvancedEventSelectors[i]))
		}
		for i := range f.adv {
			a := &f.adv[i]
			for ci, cat := range selectableCategories {
				if a.admits(cat, &f.opts) {
					f.advByCat[ci] = append(f.advByCat[ci], a)
				}
			}
		}
	case len(t.EventSelectors) > 0:
		f.kind = basicSelector
		for i := range t.EventSelectors {
			f.basic = append(f.basic, compileBasic(i, &t.EventSelectors[i]))
		}
	case t.HasCustomEventSelectors:
		return nil, ErrSelectorsNotLoaded
	default:
		f.kind = defaultSelector
		f.basic = []basicSel{{index: 0, rw: All, mgmt: true}}
	}
	return f, nil
}

// Stage is the step of the evaluation pipeline (spec §1) that decided.
type Stage uint8

// The pipeline stages, in evaluation order.
const (
	StageLogging   Stage = iota // the trail is not logging
	StageCategory               // Insight or unknown eventCategory
	StageAccount                // recipientAccountId outside the trail's scope
	StageRegion                 // awsRegion outside the trail's scope
	StageOwnership              // data event: neither owner nor caller (spec §2.4)
	StageSelectors              // the selectors decided
)

func (s Stage) String() string {
	return [...]string{"logging", "category", "account", "region", "ownership", "selectors"}[s]
}

// Match reports whether the trail records r. It does not allocate.
func (f *Filter) Match(r *event.Record) bool {
	cat := effectiveCategory(r)
	if st, _ := f.scope(r, cat); st != StageSelectors {
		return false
	}
	if f.kind == advancedSelector {
		for _, a := range f.advByCat[catIndex(cat)] {
			if a.match(r, cat, &f.opts) {
				return true
			}
		}
		return false
	}
	for i := range f.basic {
		if ok, _ := f.basic[i].eval(r, cat, &f.opts); ok {
			return true
		}
	}
	return false
}

// effectiveCategory is r's eventCategory, inferred for records older than
// eventVersion 1.07: eventType AwsVpceEvent is NetworkActivity,
// AwsCloudTrailInsight (or insightDetails) is Insight, managementEvent
// decides when present (1.06+), and before 1.06 a record with an
// AWS::S3::Object resource, or an Invoke with an AWS::Lambda::Function
// resource, is Data (the only data events of that time); anything else is
// Management.
func effectiveCategory(r *event.Record) event.Category {
	if r.EventCategory != "" {
		return r.EventCategory
	}
	switch {
	case r.EventType == event.AwsVpceEvent:
		return event.CategoryNetworkActivity
	case r.EventType == event.AwsCloudTrailInsight || r.InsightDetails != nil:
		return event.CategoryInsight
	case r.ManagementEvent != nil:
		if *r.ManagementEvent {
			return event.CategoryManagement
		}
		return event.CategoryData
	}
	for i := range r.Resources {
		switch r.Resources[i].Type {
		case typeS3Object:
			return event.CategoryData
		case typeLambdaFunction:
			if r.EventName == "Invoke" {
				return event.CategoryData
			}
		}
	}
	return event.CategoryManagement
}

// scope runs pipeline steps 1–4 and the ownership rule. It returns
// StageSelectors when the selectors have to decide, otherwise the stage
// that rejected r, with a reason code for Explain.
func (f *Filter) scope(r *event.Record, cat event.Category) (Stage, scopeWhy) {
	if !f.logging {
		return StageLogging, whyNotLogging
	}
	switch cat {
	case event.CategoryManagement, event.CategoryData, event.CategoryNetworkActivity:
	case event.CategoryInsight:
		return StageCategory, whyInsight
	default:
		return StageCategory, whyUnknownCategory
	}
	if rc := r.RecipientAccountID; f.account != "" && rc != "" && rc != f.account {
		if !f.org {
			return StageAccount, whyOtherAccount
		}
		if !f.orgAll {
			if _, ok := f.orgMembers[rc]; !ok {
				return StageAccount, whyNotMember
			}
		}
	}
	if f.isGlobal(r) {
		if !f.global {
			return StageRegion, whyGlobalExcluded
		}
		if !f.multi && f.home != "" && f.home != "us-east-1" {
			return StageRegion, whyGlobalOtherHome
		}
	} else if !f.multi && f.home != "" && r.AWSRegion != f.home {
		return StageRegion, whyOtherRegion
	}
	if cat == event.CategoryData && !f.opts.IgnoreOwnerCaller {
		rc := r.RecipientAccountID
		owner := ""
		for i := range r.Resources {
			if a := r.Resources[i].AccountID; a != "" {
				owner = a
				break
			}
		}
		caller := ""
		if r.UserIdentity != nil {
			caller = r.UserIdentity.AccountID
		}
		if rc != "" && owner != "" && caller != "" && owner != rc && caller != rc {
			return StageOwnership, whyNeitherOwnerNorCaller
		}
	}
	return StageSelectors, whyNone
}

type scopeWhy uint8

const (
	whyNone scopeWhy = iota
	whyNotLogging
	whyInsight
	whyUnknownCategory
	whyOtherAccount
	whyNotMember
	whyGlobalExcluded
	whyGlobalOtherHome
	whyOtherRegion
	whyNeitherOwnerNorCaller
)

// isGlobal reports whether r is a global service event: a global source
// recorded in us-east-1. STS calls whose Host header names a Regional
// endpoint (sts.us-east-1.amazonaws.com) are Regional.
func (f *Filter) isGlobal(r *event.Record) bool {
	if r.AWSRegion != "us-east-1" {
		return false
	}
	for _, s := range f.globalSrc {
		if r.EventSource == s {
			if s == "sts.amazonaws.com" && r.TLSDetails != nil {
				if h := r.TLSDetails.ClientProvidedHostHeader; h != "" && h != "sts.amazonaws.com" {
					return false
				}
			}
			return true
		}
	}
	return false
}

// readOnlyOf returns the record's readOnly under the AbsentReadOnly policy.
func readOnlyOf(r *event.Record, o *CompileOptions) (ro, known bool) {
	if r.ReadOnly != nil {
		return *r.ReadOnly, true
	}
	if o.AbsentReadOnly != nil {
		return *o.AbsentReadOnly, true
	}
	return false, false
}

// ---- basic selectors

type basicRes struct {
	typ    string
	all    bool
	values []string
}

type basicSel struct {
	index   int
	rw      ReadWriteType
	mgmt    bool
	exclude []string
	data    []basicRes
}

func compileBasic(i int, s *EventSelector) basicSel {
	b := basicSel{index: i, rw: s.ReadWriteType, mgmt: s.includesManagementEvents(), exclude: slices.Clone(s.ExcludeManagementEventSources)}
	if b.rw == "" {
		b.rw = All
	}
	for _, d := range s.DataResources {
		br := basicRes{typ: d.Type}
		for _, v := range d.Values {
			if allValue(d.Type, v, true) {
				br.all = true
			}
			br.values = append(br.values, v)
		}
		b.data = append(b.data, br)
	}
	return b
}

// basicWhy says why a basic selector did not match.
type basicWhy uint8

const (
	basicOK basicWhy = iota
	basicNoManagement
	basicReadWrite
	basicExcludedSource
	basicNoDataResource
	basicNetwork
)

func (b *basicSel) eval(r *event.Record, cat event.Category, o *CompileOptions) (bool, basicWhy) {
	if cat == event.CategoryNetworkActivity {
		return false, basicNetwork
	}
	if cat == event.CategoryManagement && !b.mgmt {
		return false, basicNoManagement
	}
	if b.rw != All {
		ro, known := readOnlyOf(r, o)
		if !known || ro != (b.rw == ReadOnly) {
			return false, basicReadWrite
		}
	}
	if cat == event.CategoryManagement {
		for _, s := range b.exclude {
			if r.EventSource == s {
				return false, basicExcludedSource
			}
		}
		return true, basicOK
	}
	for i := range b.data {
		d := &b.data[i]
		for j := range r.Resources {
			res := &r.Resources[j]
			if res.Type != d.typ {
				continue
			}
			if d.all {
				return true, basicOK
			}
			for _, v := range d.values {
				if basicValueMatches(d.typ, v, res, o) {
					return true, basicOK
				}
			}
		}
	}
	return false, basicNoDataResource
}

// basicValueMatches applies spec §2.3: S3 values are prefixes, Lambda
// values exact, DynamoDB values exact (or prefixes, by option). The
// resource's ARN, or its ARNPrefix when it has no ARN, is compared.
func basicValueMatches(typ, v string, res *event.Resource, o *CompileOptions) bool {
	arn, isPrefix := res.ARN, false
	if arn == "" {
		arn, isPrefix = res.ARNPrefix, true
	}
	if arn == "" {
		return false
	}
	switch typ {
	case typeS3Object:
		return strings.HasPrefix(arn, v) || isPrefix && o.ARNPrefixOverlap && strings.HasPrefix(v, arn)
	case typeDynamoDBTable:
		if o.DynamoDBTablePrefix {
			return strings.HasPrefix(arn, v)
		}
	}
	return arn == v
}
