package trail

// AdvancedEquivalent returns advanced selectors that record exactly what
// the basic selectors sels record (the conversion the CloudTrail console
// performs, spec §2–§3):
//
//   - IncludeManagementEvents → {eventCategory Equals [Management]}, plus
//     {eventSource NotEquals [ExcludeManagementEventSources…]} when set;
//   - each DataResource → {eventCategory Equals [Data]},
//     {resources.type Equals [Type]} and, unless a value is the type's
//     "all" value (arn:aws:s3, arn:aws:lambda, arn:aws:dynamodb),
//     {resources.ARN StartsWith [Values…]} for S3 objects (prefix match) or
//     {resources.ARN Equals [Values…]} for Lambda functions and DynamoDB
//     tables (exact match);
//   - ReadWriteType ReadOnly/WriteOnly → {readOnly Equals ["true"/"false"]}
//     added to each of the above.
//
// The equivalence holds under every CompileOptions setting except
// DynamoDBTablePrefix, which changes only basic selectors.
func AdvancedEquivalent(sels []EventSelector) []AdvancedEventSelector {
	var out []AdvancedEventSelector
	for _, s := range sels {
		var rw []AdvancedFieldSelector
		switch s.ReadWriteType {
		case ReadOnly:
			rw = []AdvancedFieldSelector{{Field: fieldReadOnly, Equals: []string{"true"}}}
		case WriteOnly:
			rw = []AdvancedFieldSelector{{Field: fieldReadOnly, Equals: []string{"false"}}}
		}
		if s.includesManagementEvents() {
			fs := []AdvancedFieldSelector{{Field: fieldEventCategory, Equals: []string{"Management"}}}
			fs = append(fs, rw...)
			if len(s.ExcludeManagementEventSources) > 0 {
				fs = append(fs, AdvancedFieldSelector{Field: fieldEventSource, NotEquals: append([]string(nil), s.ExcludeManagementEventSources...)})
			}
			out = append(out, AdvancedEventSelector{Name: "Management events", FieldSelectors: fs})
		}
		for _, d := range s.DataResources {
			if len(d.Values) == 0 {
				continue // matches nothing (and Validate rejects it)
			}
			fs := []AdvancedFieldSelector{
				{Field: fieldEventCategory, Equals: []string{"Data"}},
				{Field: fieldResourcesType, Equals: []string{d.Type}},
			}
			fs = append(fs, rw...)
			all := false
			for _, v := range d.Values {
				if allValue(d.Type, v, true) {
					all = true
				}
			}
			if !all && len(d.Values) > 0 {
				arn := AdvancedFieldSelector{Field: fieldResourcesARN}
				vals := append([]string(nil), d.Values...)
				if d.Type == typeS3Object {
					arn.StartsWith = vals
				} else {
					arn.Equals = vals
				}
				fs = append(fs, arn)
			}
			out = append(out, AdvancedEventSelector{Name: "Data events: " + d.Type, FieldSelectors: fs})
		}
	}
	return out
}
