package trail

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/trailkit/trailkit/internal/trailname"
)

// Limits CloudTrail enforces (spec/selectors-insights.md §2.2, §3.1, §3.4, §5).
// Trail name lengths are internal/trailname's.
const (
	maxEventSelectors     = 5    // basic selectors per trail
	maxDataResources      = 250  // named data resources per trail ("all" values excluded)
	maxAdvancedValues     = 500  // values across all advanced conditions of a trail
	maxAdvancedNameLength = 1000 // AdvancedEventSelector.Name (service model)
	maxFieldLength        = 1000 // AdvancedFieldSelector.Field
	maxFieldValueLength   = 2048 // each operator value
	maxS3KeyPrefixLength  = 200
	maxSnsTopicNameLength = 256
)

// ValidateOptions tunes Validate where the service's behaviour is not
// settled. The zero value is the documented default.
type ValidateOptions struct {
	// SelectorsOnly skips the trail-settings rules (name, prefix, SNS, KMS,
	// multi-Region), for documents that carry only selectors.
	SelectorsOnly bool
	// RejectS3AllColons rejects "arn:aws:s3:::" as an all-buckets
	// DataResource value; by default it is accepted like "arn:aws:s3"
	// (reports conflict; spec §2.3).
	RejectS3AllColons bool
	// AllowDuplicateFields accepts a Field other than resources.type twice
	// in one advanced selector; by default duplicates are invalid (spec §3.4).
	AllowDuplicateFields bool
	// MaxAdvancedNameLength overrides the AdvancedEventSelector.Name bound;
	// zero means 1000, the service model's. CloudFormation documents its
	// own bound of 100.
	MaxAdvancedNameLength int
	// MaxAdvancedSelectors caps the number of advanced selectors; 0 means
	// no cap (none is documented; the 500-value quota bounds them).
	MaxAdvancedSelectors int
	// SkipInsightPrerequisites skips the checks that the trail logs the
	// events its Insights analyse, for documents that carry insight
	// selectors without the event selectors (get-insight-selectors output
	// on its own). The checks are also skipped when HasCustomEventSelectors
	// is true but no selectors are loaded.
	SkipInsightPrerequisites bool
	// ExtraResourceTypes are accepted as resources.type in addition to
	// ResourceTypes() (AWS adds types often).
	ExtraResourceTypes []string
	// ExtraNetworkActivityEventSources are accepted in addition to
	// NetworkActivityEventSources().
	ExtraNetworkActivityEventSources []string
}

// Validate reports every rule of spec §2.2–§5 that t breaks under o, as a
// *ValidationError (which matches ErrInvalidTrail), or nil.
func Validate(t *Trail, o ValidateOptions) error {
	v := validator{opts: o}
	if !o.SelectorsOnly {
		v.trailSettings(t)
	}
	hasBasic, hasAdv := len(t.EventSelectors) > 0, len(t.AdvancedEventSelectors) > 0
	if hasBasic && hasAdv {
		v.problems = append(v.problems, bothKindsProblem)
	}
	if hasBasic {
		v.basic(t.EventSelectors)
	}
	if hasAdv {
		v.advanced(t.AdvancedEventSelectors)
	}
	v.insights(t)
	if len(v.problems) == 0 {
		return nil
	}
	return &ValidationError{Problems: v.problems}
}

// bothKindsProblem is the problem of a trail with basic and advanced
// selectors, which Compile refuses too.
var bothKindsProblem = Problem{Exception: invalidParameterCombinationException, Rule: "BasicAndAdvanced",
	Message: "A trail cannot have both EventSelectors and AdvancedEventSelectors."}

type validator struct {
	opts     ValidateOptions
	problems []Problem
}

func (v *validator) add(e string, rule, path, msg string, service bool) {
	v.problems = append(v.problems, Problem{Exception: e, Rule: rule, Path: path, Message: msg, ServiceMessage: service})
}

// ---- trail settings (§5)

var kmsKeyRE = regexp.MustCompile(`^(alias/[A-Za-z0-9/_-]+|` +
	`arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:(alias/[A-Za-z0-9/_-]+|key/(mrk-[0-9a-f]{32}|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}))|` +
	`mrk-[0-9a-f]{32}|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})$`)

func (v *validator) trailSettings(t *Trail) {
	v.trailName(t.Name)
	if n := utf8.RuneCountInString(t.S3KeyPrefix); n > maxS3KeyPrefixLength {
		v.add(invalidS3PrefixException, "S3KeyPrefixTooLong", "S3KeyPrefix",
			fmt.Sprintf("S3 key prefix too long. Maximum allowed length: %d characters. Specified length: %d characters.", maxS3KeyPrefixLength, n), false)
	}
	if n := len(t.SnsTopicName); n > maxSnsTopicNameLength {
		v.add(invalidSnsTopicNameException, "SnsTopicNameTooLong", "SnsTopicName",
			fmt.Sprintf("SNS topic name too long. Maximum allowed length: %d characters.", maxSnsTopicNameLength), false)
	}
	if t.KmsKeyId != "" && !kmsKeyRE.MatchString(t.KmsKeyId) {
		v.add(invalidKmsKeyIdException, "KmsKeyIdForm", "KmsKeyId",
			"KMS key id must be an alias (alias/Name), an alias ARN, a key ARN or a key id.", false)
	}
	if t.IsMultiRegionTrail && !t.IncludeGlobalServiceEvents {
		v.add(invalidParameterCombinationException, "MultiRegionWithoutGlobalEvents", "IncludeGlobalServiceEvents",
			"Multi-Region trail must include global service events.", true)
	}
}

// trailName applies the naming rules of §5 (internal/trailname, shared
// with logfile's digest keys). The messages of the first five rules are
// moto's (which copies AWS's, spec §4); adjacency and IP are ours.
func (v *validator) trailName(name string) {
	const exc = invalidTrailNameException
	for _, r := range trailname.Check(name) {
		switch r {
		case trailname.TooShort:
			v.add(exc, "TrailNameTooShort", "Name", fmt.Sprintf("Trail name too short. Minimum allowed length: %d characters. Specified name length: %d characters.", trailname.MinLength, len(name)), true)
		case trailname.TooLong:
			v.add(exc, "TrailNameTooLong", "Name", fmt.Sprintf("Trail name too long. Maximum allowed length: %d characters. Specified name length: %d characters.", trailname.MaxLength, len(name)), true)
		case trailname.Start:
			v.add(exc, "TrailNameStart", "Name", "Trail name must starts with a letter or number.", true)
		case trailname.End:
			v.add(exc, "TrailNameEnd", "Name", "Trail name must ends with a letter or number.", true)
		case trailname.Charset:
			v.add(exc, "TrailNameCharset", "Name", "Trail name or ARN can only contain uppercase letters, lowercase letters, numbers, periods (.), hyphens (-), and underscores (_).", true)
		case trailname.AdjacentPunctuation:
			v.add(exc, "TrailNameAdjacentPunctuation", "Name", "Trail name must not contain adjacent periods, underscores or hyphens.", false)
		case trailname.IPAddress:
			v.add(exc, "TrailNameIPAddress", "Name", "Trail name must not be formatted as an IP address.", false)
		}
	}
}

func isAlnum(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}

// ---- basic selectors (§2)

const (
	typeS3Object       = "AWS::S3::Object"
	typeLambdaFunction = "AWS::Lambda::Function"
	typeDynamoDBTable  = "AWS::DynamoDB::Table"
)

const partitionRE = `aws(-[a-z]+)*`

var (
	s3AllRE       = regexp.MustCompile(`^arn:` + partitionRE + `:s3$`)
	s3AllColonsRE = regexp.MustCompile(`^arn:` + partitionRE + `:s3:::$`)
	lambdaAllRE   = regexp.MustCompile(`^arn:` + partitionRE + `:lambda$`)
	dynamoAllRE   = regexp.MustCompile(`^arn:` + partitionRE + `:dynamodb$`)

	s3ObjectARNRE = regexp.MustCompile(`^arn:` + partitionRE + `:s3:::[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]/.*$`)
	lambdaARNRE   = regexp.MustCompile(`^arn:` + partitionRE + `:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]{1,64}(:[A-Za-z0-9$_-]{1,128})?$`)
	tableARNRE    = regexp.MustCompile(`^arn:` + partitionRE + `:dynamodb:[a-z0-9-]+:\d{12}:table/[A-Za-z0-9_.-]{3,255}$`)
)

// arnForms holds the ARN form resources.ARN Equals/NotEquals values must
// have, per resources.type, where the docs give one (spec §3.5). Other
// types need a generic ARN (genericARNRE).
var arnForms = map[string]*regexp.Regexp{
	typeS3Object:                      s3ObjectARNRE,
	typeDynamoDBTable:                 tableARNRE,
	"AWS::DynamoDB::Stream":           regexp.MustCompile(`^arn:` + partitionRE + `:dynamodb:[a-z0-9-]+:\d{12}:table/[A-Za-z0-9_.-]{3,255}/stream/[^/]+$`),
	typeLambdaFunction:                lambdaARNRE,
	"AWS::EC2::Snapshot":              regexp.MustCompile(`^arn:` + partitionRE + `:ec2:[a-z0-9-]+::snapshot/[A-Za-z0-9-]+$`),
	"AWS::CloudTrail::Channel":        regexp.MustCompile(`^arn:` + partitionRE + `:cloudtrail:[a-z0-9-]+:\d{12}:channel/[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`),
	"AWS::Cognito::IdentityPool":      regexp.MustCompile(`^arn:` + partitionRE + `:cognito-identity:[a-z0-9-]+:\d{12}:identitypool/[^/]+$`),
	"AWS::ManagedBlockchain::Network": regexp.MustCompile(`^arn:` + partitionRE + `:managedblockchain:::networks/[^/]+$`),
	"AWS::Glue::Table":                regexp.MustCompile(`^arn:` + partitionRE + `:glue:[a-z0-9-]+:\d{12}:table/[^/]+/[^/]+$`),
}

var genericARNRE = regexp.MustCompile(`^arn:` + partitionRE + `:[a-z0-9-]+:[a-z0-9-]*:(\d{12})?:.+$`)

// allValue reports whether v is the "all resources" value of type typ.
func allValue(typ, v string, colons bool) bool {
	switch typ {
	case typeS3Object:
		return s3AllRE.MatchString(v) || colons && s3AllColonsRE.MatchString(v)
	case typeLambdaFunction:
		return lambdaAllRE.MatchString(v)
	case typeDynamoDBTable:
		return dynamoAllRE.MatchString(v)
	}
	return false
}

var excludableSources = []string{"kms.amazonaws.com", "rdsdata.amazonaws.com"}

func (v *validator) basic(sels []EventSelector) {
	const exc = invalidEventSelectorsException
	if len(sels) > maxEventSelectors {
		v.add(exc, "TooManyEventSelectors", "EventSelectors",
			fmt.Sprintf("A trail can have at most %d event selectors; got %d.", maxEventSelectors, len(sels)), false)
	}
	named := 0
	for i := range sels {
		s := &sels[i]
		p := fmt.Sprintf("EventSelectors[%d]", i)
		switch s.ReadWriteType {
		case "", ReadOnly, WriteOnly, All:
		default:
			v.add(exc, "ReadWriteType", p+".ReadWriteType",
				fmt.Sprintf("Value %s for ReadWriteType is invalid; it must be ReadOnly, WriteOnly or All.", s.ReadWriteType), false)
		}
		for j, src := range s.ExcludeManagementEventSources {
			if !slices.Contains(excludableSources, src) {
				v.add(exc, "ExcludeManagementEventSources", fmt.Sprintf("%s.ExcludeManagementEventSources[%d]", p, j),
					fmt.Sprintf("Value %s for ExcludeManagementEventSources is invalid; only kms.amazonaws.com and rdsdata.amazonaws.com can be excluded.", src), false)
			}
		}
		if !s.includesManagementEvents() && len(s.DataResources) == 0 {
			v.add(exc, "ManagementOffNoDataResources", p,
				"Invalid combination of parameters in EventSelectors. When includeManagementEvents is false, DataResources must not be empty", true)
		}
		for j, d := range s.DataResources {
			dp := fmt.Sprintf("%s.DataResources[%d]", p, j)
			switch d.Type {
			case typeS3Object, typeLambdaFunction, typeDynamoDBTable:
			default:
				v.add(exc, "DataResourceType", dp+".Type",
					fmt.Sprintf("Value %s for DataResources.Type is invalid; basic selectors accept AWS::S3::Object, AWS::Lambda::Function and AWS::DynamoDB::Table.", d.Type), false)
				continue
			}
			if len(d.Values) == 0 {
				v.add(exc, "DataResourceNoValues", dp+".Values", "DataResources.Values must not be empty.", false)
			}
			for k, val := range d.Values {
				if allValue(d.Type, val, !v.opts.RejectS3AllColons) {
					continue
				}
				named++
				if !dataResourceValueOK(d.Type, val) {
					v.add(exc, "DataResourceValue", fmt.Sprintf("%s.Values[%d]", dp, k),
						fmt.Sprintf("Value %s for DataResources.Values is invalid.", val), true)
				}
			}
		}
	}
	if named > maxDataResources {
		v.add(exc, "TooManyDataResources", "EventSelectors",
			fmt.Sprintf("A trail can name at most %d data resources; got %d.", maxDataResources, named), false)
	}
}

func dataResourceValueOK(typ, v string) bool {
	if strings.Contains(v, "*") {
		return false
	}
	switch typ {
	case typeS3Object:
		return s3ObjectARNRE.MatchString(v)
	case typeLambdaFunction:
		return lambdaARNRE.MatchString(v)
	case typeDynamoDBTable:
		return tableARNRE.MatchString(v)
	}
	return false
}

// ---- advanced selectors (§3)

// fieldRule says where a field may appear on trails and how.
type fieldRule struct {
	categories  []string // categories the field is allowed with
	equalsOnly  bool     // only Equals
	eqNotEqOnly bool     // only Equals and NotEquals
}

var fieldRules = map[string]fieldRule{
	fieldEventCategory:                {categories: []string{"Management", "Data", "NetworkActivity"}, equalsOnly: true},
	fieldEventSource:                  {categories: []string{"Management", "Data", "NetworkActivity"}},
	fieldReadOnly:                     {categories: []string{"Management", "Data"}, equalsOnly: true},
	fieldEventName:                    {categories: []string{"Data", "NetworkActivity"}},
	fieldEventType:                    {categories: []string{"Data"}},
	fieldResourcesType:                {categories: []string{"Data"}, equalsOnly: true},
	fieldResourcesARN:                 {categories: []string{"Data"}},
	fieldSessionCredentialFromConsole: {categories: []string{"Data"}, eqNotEqOnly: true},
	fieldUserIdentityARN:              {categories: []string{"Data", "NetworkActivity"}},
	fieldErrorCode:                    {categories: []string{"NetworkActivity"}, equalsOnly: true},
	fieldVPCEndpointID:                {categories: []string{"NetworkActivity"}},
}

var trailCategories = []string{"Management", "Data", "NetworkActivity"}

var fieldNameRE = regexp.MustCompile(`^[\w|\d|\.|_]+$`)

func (v *validator) advanced(sels []AdvancedEventSelector) {
	const exc = invalidEventSelectorsException
	if m := v.opts.MaxAdvancedSelectors; m > 0 && len(sels) > m {
		v.add(exc, "TooManyAdvancedSelectors", "AdvancedEventSelectors",
			fmt.Sprintf("A trail can have at most %d advanced event selectors; got %d.", m, len(sels)), false)
	}
	maxName := v.opts.MaxAdvancedNameLength
	if maxName <= 0 {
		maxName = maxAdvancedNameLength
	}
	total, arns := 0, 0
	for i := range sels {
		s := &sels[i]
		p := fmt.Sprintf("AdvancedEventSelectors[%d]", i)
		if n := utf8.RuneCountInString(s.Name); n > maxName {
			v.add(exc, "AdvancedNameTooLong", p+".Name",
				fmt.Sprintf("Name must be at most %d characters; got %d.", maxName, n), false)
		}
		if len(s.FieldSelectors) == 0 {
			v.add(exc, "NoFieldSelectors", p+".FieldSelectors", "FieldSelectors must contain at least one field selector.", false)
			continue
		}
		// First pass: category and resource type, needed by the other rules.
		category, resType := "", ""
		seen := map[string]int{}
		for j := range s.FieldSelectors {
			f := &s.FieldSelectors[j]
			seen[f.Field]++
			switch f.Field {
			case fieldEventCategory:
				if len(f.Equals) == 1 && category == "" {
					category = f.Equals[0]
				}
			case fieldResourcesType:
				if len(f.Equals) == 1 && resType == "" {
					resType = f.Equals[0]
				}
			}
		}
		if seen[fieldEventCategory] == 0 {
			v.add(exc, "EventCategoryRequired", p+".FieldSelectors", "Each advanced event selector must have an eventCategory field selector.", false)
		}
		switch category {
		case "", "Management", "Data", "NetworkActivity":
		default:
			v.add(exc, "EventCategoryValue", p+".FieldSelectors",
				fmt.Sprintf("Value %s for eventCategory is invalid; trails accept Management, Data and NetworkActivity.", category), false)
		}
		if category == "Data" && seen[fieldResourcesType] == 0 {
			v.add(exc, "ResourcesTypeRequired", p+".FieldSelectors", "resources.type is required when eventCategory is Data.", false)
		}
		if category == "NetworkActivity" && seen[fieldEventSource] == 0 {
			v.add(exc, "NetworkEventSourceRequired", p+".FieldSelectors", "eventSource is required when eventCategory is NetworkActivity.", false)
		}
		for field, n := range seen {
			if n < 2 {
				continue
			}
			if field == fieldResourcesType {
				v.add(exc, "ResourcesTypeRepeated", p+".FieldSelectors", "Only one resources.type field selector is allowed per advanced event selector.", false)
			} else if !v.opts.AllowDuplicateFields {
				v.add(exc, "DuplicateField", p+".FieldSelectors", fmt.Sprintf("Field %s appears more than once in one advanced event selector.", field), false)
			}
		}
		for j := range s.FieldSelectors {
			f := &s.FieldSelectors[j]
			fp := fmt.Sprintf("%s.FieldSelectors[%d]", p, j)
			t, a := v.fieldSelector(f, fp, category, resType)
			total += t
			arns += a
		}
	}
	if total > maxAdvancedValues {
		v.add(exc, "TooManyAdvancedValues", "AdvancedEventSelectors",
			fmt.Sprintf("Advanced event selectors can have at most %d values in total; got %d.", maxAdvancedValues, total), false)
	}
	if arns > maxDataResources {
		v.add(exc, "TooManyDataResources", "AdvancedEventSelectors",
			fmt.Sprintf("A trail can name at most %d data resources; got %d resources.ARN values.", maxDataResources, arns), false)
	}
}

// fieldSelector checks one condition and returns its value count and its
// resources.ARN value count.
func (v *validator) fieldSelector(f *AdvancedFieldSelector, fp, category, resType string) (values, arns int) {
	const exc = invalidEventSelectorsException
	if l := len(f.Field); l == 0 || l > maxFieldLength || !fieldNameRE.MatchString(f.Field) {
		v.add(exc, "FieldName", fp+".Field", fmt.Sprintf("Field %q must be 1 to %d characters of letters, digits, '.', '_' and '|'.", f.Field, maxFieldLength), false)
	}
	rule, known := fieldRules[f.Field]
	if !known {
		v.add(exc, "UnknownField", fp+".Field", fmt.Sprintf("Field %s is not supported for trails.", f.Field), false)
	} else if slices.Contains(trailCategories, category) && !slices.Contains(rule.categories, category) {
		v.add(exc, "FieldNotAllowedForCategory", fp+".Field",
			fmt.Sprintf("Field %s is not supported when eventCategory is %s.", f.Field, category), false)
	}
	hasOp := false
	for _, ov := range f.operators() {
		if ov.Values == nil {
			continue
		}
		hasOp = true
		op := ov.Operator
		opPath := fp + "." + string(op)
		values += len(ov.Values)
		if f.Field == fieldResourcesARN {
			arns += len(ov.Values)
		}
		if len(ov.Values) == 0 {
			v.add(exc, "EmptyOperator", opPath, fmt.Sprintf("%s must list at least one value.", op), false)
		}
		if known {
			bad := rule.equalsOnly && op != Equals || rule.eqNotEqOnly && op != Equals && op != NotEquals
			// Per-category operator limits (§3.2).
			if f.Field == fieldEventSource && category == "Management" && op != NotEquals {
				bad = true
			}
			if f.Field == fieldEventSource && category == "NetworkActivity" && op != Equals {
				bad = true
			}
			if bad {
				v.add(exc, "OperatorNotAllowed", opPath, fmt.Sprintf("Operator %s is not supported for field %s.", op, f.Field), false)
			}
		}
		for k, val := range ov.Values {
			vp := fmt.Sprintf("%s[%d]", opPath, k)
			if val == "" || utf8.RuneCountInString(val) > maxFieldValueLength || strings.ContainsAny(val, "\n\r\u0085\u2028\u2029") {
				v.add(exc, "FieldValue", vp, fmt.Sprintf("Each value must be 1 to %d characters on one line.", maxFieldValueLength), false)
				continue
			}
			v.fieldValue(f.Field, op, val, vp, category, resType)
		}
	}
	if !hasOp {
		v.add(exc, "NoOperator", fp, fmt.Sprintf("Field selector %s has no operator.", f.Field), false)
	}
	if known {
		switch f.Field {
		case fieldEventCategory, fieldResourcesType:
			if len(f.Equals) > 1 {
				v.add(exc, "SingleValueRequired", fp+".Equals", fmt.Sprintf("%s Equals must list exactly one value.", f.Field), false)
			}
		case fieldEventSource:
			if category == "NetworkActivity" && len(f.Equals) > 1 {
				v.add(exc, "SingleValueRequired", fp+".Equals", "A NetworkActivity selector names exactly one eventSource; use another selector for another source.", false)
			}
		}
	}
	return values, arns
}

func (v *validator) fieldValue(field string, op Operator, val, vp, category, resType string) {
	const exc = invalidEventSelectorsException
	bad := func(rule, why string) {
		v.add(exc, rule, vp, fmt.Sprintf("Value %s for %s is invalid; %s", val, field, why), false)
	}
	switch field {
	case fieldReadOnly:
		if val != "true" && val != "false" {
			bad("ReadOnlyValue", "it must be true or false.")
		}
	case fieldSessionCredentialFromConsole:
		if val != "true" {
			bad("SessionCredentialValue", "it must be true.")
		}
	case fieldErrorCode:
		if val != "VpceAccessDenied" {
			bad("ErrorCodeValue", "the only supported value is VpceAccessDenied.")
		}
	case fieldResourcesType:
		if !slices.Contains(resourceTypes, val) && !slices.Contains(v.opts.ExtraResourceTypes, val) {
			bad("ResourcesTypeValue", "it is not a supported data event resource type.")
		}
	case fieldEventSource:
		switch category {
		case "Management":
			if !slices.Contains(excludableSources, val) {
				bad("ManagementEventSourceValue", "only kms.amazonaws.com and rdsdata.amazonaws.com can be excluded from management events.")
			}
		case "NetworkActivity":
			if !slices.Contains(networkActivityEventSources, val) && !slices.Contains(v.opts.ExtraNetworkActivityEventSources, val) {
				bad("NetworkEventSourceValue", "it is not a supported network activity event source.")
			}
		}
	case fieldResourcesARN:
		if op != Equals && op != NotEquals || resType == "" {
			return
		}
		re := arnForms[resType]
		if re == nil {
			re = genericARNRE
		}
		if !re.MatchString(val) {
			bad("ResourcesARNForm", fmt.Sprintf("Equals and NotEquals need a complete ARN of type %s.", resType))
		}
	}
}

// ---- insight selectors (§7.1)

// recordsKinds reports what the trail's selectors record: write management
// events, any management events, any data events.
func recordsKinds(t *Trail) (mgmtWrite, mgmtAny, data bool) {
	switch {
	case len(t.AdvancedEventSelectors) > 0:
		for _, s := range t.AdvancedEventSelectors {
			var cat, ro []string
			for _, f := range s.FieldSelectors {
				switch f.Field {
				case fieldEventCategory:
					cat = f.Equals
				case fieldReadOnly:
					ro = f.Equals
				}
			}
			if slices.Contains(cat, "Management") {
				mgmtAny = true
				if len(ro) != 1 || ro[0] == "false" {
					mgmtWrite = true
				}
			}
			if slices.Contains(cat, "Data") {
				data = true
			}
		}
	case len(t.EventSelectors) > 0:
		for _, s := range t.EventSelectors {
			if s.includesManagementEvents() {
				mgmtAny = true
				if s.ReadWriteType != ReadOnly {
					mgmtWrite = true
				}
			}
			if len(s.DataResources) > 0 {
				data = true
			}
		}
	default:
		return true, true, false // the default: all management events
	}
	return
}

func (v *validator) insights(t *Trail) {
	const exc = invalidInsightSelectorsException
	mgmtWrite, mgmtAny, data := recordsKinds(t)
	prereq := !v.opts.SkipInsightPrerequisites &&
		!(t.HasCustomEventSelectors && len(t.EventSelectors)+len(t.AdvancedEventSelectors) == 0)
	seen := map[string]bool{}
	for i, s := range t.InsightSelectors {
		p := fmt.Sprintf("InsightSelectors[%d]", i)
		switch s.InsightType {
		case "ApiCallRateInsight", "ApiErrorRateInsight":
		default:
			v.add(exc, "InsightType", p+".InsightType",
				fmt.Sprintf("Value %s for InsightType is invalid; it must be ApiCallRateInsight or ApiErrorRateInsight.", s.InsightType), false)
			continue
		}
		if seen[s.InsightType] {
			v.add(exc, "InsightTypeRepeated", p+".InsightType", fmt.Sprintf("InsightType %s is listed more than once.", s.InsightType), false)
		}
		seen[s.InsightType] = true
		cats := s.EventCategories
		if len(cats) == 0 {
			cats = []string{"Management"}
		}
		for j, c := range cats {
			cp := fmt.Sprintf("%s.EventCategories[%d]", p, j)
			switch c {
			case "Management":
				if prereq && s.InsightType == "ApiCallRateInsight" && !mgmtWrite {
					v.add(exc, "InsightPrerequisite", cp, "ApiCallRateInsight on management events needs the trail to log write management events.", false)
				}
				if prereq && s.InsightType == "ApiErrorRateInsight" && !mgmtAny {
					v.add(exc, "InsightPrerequisite", cp, "ApiErrorRateInsight on management events needs the trail to log read or write management events.", false)
				}
			case "Data":
				if prereq && !data {
					v.add(exc, "InsightPrerequisite", cp, "Insights on data events need the trail to log data events.", false)
				}
			default:
				v.add(exc, "InsightEventCategory", cp, fmt.Sprintf("Value %s for EventCategories is invalid; it must be Management or Data.", c), false)
			}
		}
	}
}
