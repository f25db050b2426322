package event

// The member tables of the decoder: for each typed object, the index of each
// JSON key (its bit in the duplicate-key masks of decoder.object) and the
// reader of its value. Keys match exactly, case-sensitively.

func (x *Record) fieldIndex(key []byte) int {
	switch string(key) {
	case "eventVersion":
		return 0
	case "userIdentity":
		return 1
	case "eventTime":
		return 2
	case "eventSource":
		return 3
	case "eventName":
		return 4
	case "awsRegion":
		return 5
	case "sourceIPAddress":
		return 6
	case "userAgent":
		return 7
	case "errorCode":
		return 8
	case "errorMessage":
		return 9
	case "requestParameters":
		return 10
	case "responseElements":
		return 11
	case "additionalEventData":
		return 12
	case "requestID":
		return 13
	case "eventID":
		return 14
	case "readOnly":
		return 15
	case "resources":
		return 16
	case "eventType":
		return 17
	case "apiVersion":
		return 18
	case "managementEvent":
		return 19
	case "recipientAccountId":
		return 20
	case "sharedEventID":
		return 21
	case "vpcEndpointId":
		return 22
	case "vpcEndpointAccountId":
		return 23
	case "serviceEventDetails":
		return 24
	case "eventCategory":
		return 25
	case "addendum":
		return 26
	case "tlsDetails":
		return 27
	case "sessionCredentialFromConsole":
		return 28
	case "edgeDeviceDetails":
		return 29
	case "insightDetails":
		return 30
	case "eventContext":
		return 31
	case "annotation":
		return 32
	}
	return -1
}

func (x *Record) unknownMembers() *Members { return &x.Unknown }

func (x *Record) decodeMember(d *decoder, key []byte) (int, bool, error) {
	var ok bool
	var err error
	i := x.fieldIndex(key)
	switch i {
	case 0: // eventVersion
		ok, err = d.str(&x.EventVersion)
	case 1: // userIdentity
		ok, err = objFrom(d, &x.UserIdentity, d.newUserIdentity)
	case 2: // eventTime
		ok, err = d.eventTime(&x.EventTime)
	case 3: // eventSource
		ok, err = d.str(&x.EventSource)
	case 4: // eventName
		ok, err = d.str(&x.EventName)
	case 5: // awsRegion
		ok, err = d.str(&x.AWSRegion)
	case 6: // sourceIPAddress
		ok, err = d.str(&x.SourceIPAddress)
	case 7: // userAgent
		ok, err = d.str(&x.UserAgent)
	case 8: // errorCode
		ok, err = d.str(&x.ErrorCode)
	case 9: // errorMessage
		ok, err = d.str(&x.ErrorMessage)
	case 10: // requestParameters
		ok, err = d.raw(&x.RequestParameters)
	case 11: // responseElements
		ok, err = d.raw(&x.ResponseElements)
	case 12: // additionalEventData
		ok, err = d.raw(&x.AdditionalEventData)
	case 13: // requestID
		ok, err = d.str(&x.RequestID)
	case 14: // eventID
		ok, err = d.str(&x.EventID)
	case 15: // readOnly
		ok, err = d.boolean(&x.ReadOnly)
	case 16: // resources
		ok, err = array(d, &x.Resources)
	case 17: // eventType
		ok, err = d.str((*string)(&x.EventType))
	case 18: // apiVersion
		ok, err = d.str(&x.APIVersion)
	case 19: // managementEvent
		ok, err = d.boolean(&x.ManagementEvent)
	case 20: // recipientAccountId
		ok, err = d.str(&x.RecipientAccountID)
	case 21: // sharedEventID
		ok, err = d.str(&x.SharedEventID)
	case 22: // vpcEndpointId
		ok, err = d.str(&x.VPCEndpointID)
	case 23: // vpcEndpointAccountId
		ok, err = d.str(&x.VPCEndpointAccountID)
	case 24: // serviceEventDetails
		ok, err = d.raw(&x.ServiceEventDetails)
	case 25: // eventCategory
		ok, err = d.str((*string)(&x.EventCategory))
	case 26: // addendum
		ok, err = obj(d, &x.Addendum)
	case 27: // tlsDetails
		ok, err = objFrom(d, &x.TLSDetails, d.newTLSDetails)
	case 28: // sessionCredentialFromConsole
		ok, err = d.str(&x.SessionCredentialFromConsole)
	case 29: // edgeDeviceDetails
		ok, err = d.raw(&x.EdgeDeviceDetails)
	case 30: // insightDetails
		ok, err = obj(d, &x.InsightDetails)
	case 31: // eventContext
		ok, err = d.raw(&x.EventContext)
	case 32: // annotation
		ok, err = d.str(&x.Annotation)
	}
	return i, ok, err
}

func (x *UserIdentity) fieldIndex(key []byte) int {
	switch string(key) {
	case "type":
		return 0
	case "principalId":
		return 1
	case "arn":
		return 2
	case "accountId":
		return 3
	case "accessKeyId":
		return 4
	case "userName":
		return 5
	case "sessionContext":
		return 6
	case "invokedBy":
		return 7
	case "invokedByDelegate":
		return 8
	case "identityProvider":
		return 9
	case "credentialId":
		return 10
	case "onBehalfOf":
		return 11
	case "inScopeOf":
		return 12
	}
	return -1
}

func (x *UserIdentity) unknownMembers() *Members { return &x.Unknown }

func (x *UserIdentity) decodeMember(d *decoder, key []byte) (int, bool, error) {
	var ok bool
	var err error
	i := x.fieldIndex(key)
	switch i {
	case 0: // type
		ok, err = d.str((*string)(&x.Type))
	case 1: // principalId
		ok, err = d.str(&x.PrincipalID)
	case 2: // arn
		ok, err = d.str(&x.ARN)
	case 3: // accountId
		ok, err = d.str(&x.AccountID)
	case 4: // accessKeyId
		ok, err = d.str(&x.AccessKeyID)
	case 5: // userName
		ok, err = d.str(&x.UserName)
	case 6: // sessionContext
		ok, err = objFrom(d, &x.SessionContext, d.newSessionContext)
	case 7: // invokedBy
		ok, err = d.str(&x.InvokedBy)
	case 8: // invokedByDelegate
		ok, err = obj(d, &x.InvokedByDelegate)
	case 9: // identityProvider
		ok, err = d.str(&x.IdentityProvider)
	case 10: // credentialId
		ok, err = d.str(&x.CredentialID)
	case 11: // onBehalfOf
		ok, err = obj(d, &x.OnBehalfOf)
	case 12: // inScopeOf
		ok, err = obj(d, &x.InScopeOf)
	}
	return i, ok, err
}

func (x *SessionContext) fieldIndex(key []byte) int {
	switch string(key) {
	case "sessionIssuer":
		return 0
	case "webIdFederationData":
		return 1
	case "attributes":
		return 2
	case "sourceIdentity":
		return 3
	case "ec2RoleDelivery":
		return 4
	case "ec2IssuedInVPC":
		return 5
	case "assumedRoot":
		return 6
	case "signInSessionArn":
		return 7
	}
	return -1
}

func (x *SessionContext) unknownMembers() *Members { return &x.Unknown }

func (x *SessionContext) decodeMember(d *decoder, key []byte) (int, bool, error) {
	var ok bool
	var err error
	i := x.fieldIndex(key)
	switch i {
	case 0: // sessionIssuer
		ok, err = objFrom(d, &x.SessionIssuer, d.newSessionIssuer)
	case 1: // webIdFederationData
		ok, err = objFrom(d, &x.WebIDFederationData, d.newWebIDFederationData)
	case 2: // attributes
		ok, err = objFrom(d, &x.Attributes, d.newSessionAttributes)
	case 3: // sourceIdentity
		ok, err = d.str(&x.SourceIdentity)
	case 4: // ec2RoleDelivery
		ok, err = d.str(&x.EC2RoleDelivery)
	case 5: // ec2IssuedInVPC
		ok, err = d.str(&x.EC2IssuedInVPC)
	case 6: // assumedRoot
		ok, err = d.str(&x.AssumedRoot)
	case 7: // signInSessionArn
		ok, err = d.str(&x.SignInSessionARN)
	}
	return i, ok, err
}

func (x *SessionIssuer) fieldIndex(key []byte) int {
	switch string(key) {
	case "type":
		return 0
	case "principalId":
		return 1
	case "arn":
		return 2
	case "accountId":
		return 3
	case "userName":
		return 4
	}
	return -1
}

func (x *SessionIssuer) unknownMembers() *Members { return &x.Unknown }

func (x *SessionIssuer) decodeMember(d *decoder, key []byte) (int, bool, error) {
	var ok bool
	var err error
	i := x.fieldIndex(key)
	switch i {
	case 0: // type
		ok, err = d.str(&x.Type)
	case 1: // principalId
		ok, err = d.str(&x.PrincipalID)
	case 2: // arn
		ok, err = d.str(&x.ARN)
	case 3: // accountId
		ok, err = d.str(&x.AccountID)
	case 4: // userName
		ok, err = d.str(&x.UserName)
	}
	return i, ok, err
}

func (x *WebIDFederationData) fieldIndex(key []byte) int {
	switch string(key) {
	case "federatedProvider":
		return 0
	case "attributes":
		return 1
	}
	return -1
}

func (x *WebIDFederationData) unknownMembers() *Members { return &x.Unknown }

func (x *WebIDFederationData) decodeMember(d *decoder, key []byte) (int, bool, error) {
	var ok bool
	var err error
	i := x.fieldIndex(key)
	switch i {
	case 0: // federatedProvider
		ok, err = d.str(&x.FederatedProvider)
	case 1: // attributes
		ok, err = d.raw(&x.Attributes)
	}
	return i, ok, err
}

func (x *SessionAttributes) fieldIndex(key []byte) int {
	switch string(key) {
	case "creationDate":
		return 0
	case "mfaAuthenticated":
		return 1
	}
	return -1
}

func (x *SessionAttributes) unknownMembers() *Members { return &x.Unknown }

func (x *SessionAttributes) decodeMember(d *decoder, key []byte) (int, bool, error) {
	var ok bool
	var err error
	i := x.fieldIndex(key)
	switch i {
	case 0: // creationDate
		ok, err = d.str(&x.CreationDate)
	case 1: // mfaAuthenticated
		ok, err = d.str(&x.MFAAuthenticated)
	}
	return i, ok, err
}

func (x *InvokedByDelegate) fieldIndex(key []byte) int {
	switch string(key) {
	case "accountId":
		return 0
	}
	return -1
}

func (x *InvokedByDelegate) unknownMembers() *Members { return &x.Unknown }

func (x *InvokedByDelegate) decodeMember(d *decoder, key []byte) (int, bool, error) {
	var ok bool
	var err error
	i := x.fieldIndex(key)
	switch i {
	case 0: // accountId
		ok, err = d.str(&x.AccountID)
	}
	return i, ok, err
}

func (x *OnBehalfOf) fieldIndex(key []byte) int {
	switch string(key) {
	case "userId":
		return 0
	case "identityStoreArn":
		return 1
	}
	return -1
}

func (x *OnBehalfOf) unknownMembers() *Members { return &x.Unknown }

func (x *OnBehalfOf) decodeMember(d *decoder, key []byte) (int, bool, error) {
	var ok bool
	var err error
	i := x.fieldIndex(key)
	switch i {
	case 0: // userId
		ok, err = d.str(&x.UserID)
	case 1: // identityStoreArn
		ok, err = d.str(&x.IdentityStoreARN)
	}
	return i, ok, err
}

func (x *InScopeOf) fieldIndex(key []byte) int {
	switch string(key) {
	case "sourceArn":
		return 0
	case "sourceAccount":
		return 1
	case "issuerType":
		return 2
	case "credentialsIssuedTo":
		return 3
	}
	return -1
}

func (x *InScopeOf) unknownMembers() *Members { return &x.Unknown }

func (x *InScopeOf) decodeMember(d *decoder, key []byte) (int, bool, error) {
	var ok bool
	var err error
	i := x.fieldIndex(key)
	switch i {
	case 0: // sourceArn
		ok, err = d.str(&x.SourceARN)
	case 1: // sourceAccount
		ok, err = d.str(&x.SourceAccount)
	case 2: // issuerType
		ok, err = d.str(&x.IssuerType)
	case 3: // credentialsIssuedTo
		ok, err = d.str(&x.CredentialsIssuedTo)
	}
	return i, ok, err
}

func (x *Resource) fieldIndex(key []byte) int {
	switch string(key) {
	case "accountId":
		return 0
	case "type":
		return 1
	case "ARN":
		return 2
	case "ARNPrefix":
		return 3
	}
	return -1
}

func (x *Resource) unknownMembers() *Members { return &x.Unknown }

func (x *Resource) decodeMember(d *decoder, key []byte) (int, bool, error) {
	var ok bool
	var err error
	i := x.fieldIndex(key)
	switch i {
	case 0: // accountId
		ok, err = d.str(&x.AccountID)
	case 1: // type
		ok, err = d.str(&x.Type)
	case 2: // ARN
		ok, err = d.str(&x.ARN)
	case 3: // ARNPrefix
		ok, err = d.str(&x.ARNPrefix)
	}
	return i, ok, err
}

func (x *TLSDetails) fieldIndex(key []byte) int {
	switch string(key) {
	case "tlsVersion":
		return 0
	case "cipherSuite":
		return 1
	case "clientProvidedHostHeader":
		return 2
	case "keyExchange":
		return 3
	}
	return -1
}

func (x *TLSDetails) unknownMembers() *Members { return &x.Unknown }

func (x *TLSDetails) decodeMember(d *decoder, key []byte) (int, bool, error) {
	var ok bool
	var err error
	i := x.fieldIndex(key)
	switch i {
	case 0: // tlsVersion
		ok, err = d.str(&x.TLSVersion)
	case 1: // cipherSuite
		ok, err = d.str(&x.CipherSuite)
	case 2: // clientProvidedHostHeader
		ok, err = d.str(&x.ClientProvidedHostHeader)
	case 3: // keyExchange
		ok, err = d.str(&x.KeyExchange)
	}
	return i, ok, err
}

func (x *Addendum) fieldIndex(key []byte) int {
	switch string(key) {
	case "reason":
		return 0
	case "updatedFields":
		return 1
	case "originalRequestID":
		return 2
	case "originalEventID":
		return 3
	}
	return -1
}

func (x *Addendum) unknownMembers() *Members { return &x.Unknown }

func (x *Addendum) decodeMember(d *decoder, key []byte) (int, bool, error) {
	var ok bool
	var err error
	i := x.fieldIndex(key)
	switch i {
	case 0: // reason
		ok, err = d.str((*string)(&x.Reason))
	case 1: // updatedFields
		ok, err = d.raw(&x.UpdatedFields)
	case 2: // originalRequestID
		ok, err = d.str(&x.OriginalRequestID)
	case 3: // originalEventID
		ok, err = d.str(&x.OriginalEventID)
	}
	return i, ok, err
}

func (x *InsightDetails) fieldIndex(key []byte) int {
	switch string(key) {
	case "state":
		return 0
	case "eventSource":
		return 1
	case "eventName":
		return 2
	case "insightType":
		return 3
	case "errorCode":
		return 4
	case "insightContext":
		return 5
	}
	return -1
}

func (x *InsightDetails) unknownMembers() *Members { return &x.Unknown }

func (x *InsightDetails) decodeMember(d *decoder, key []byte) (int, bool, error) {
	var ok bool
	var err error
	i := x.fieldIndex(key)
	switch i {
	case 0: // state
		ok, err = d.str((*string)(&x.State))
	case 1: // eventSource
		ok, err = d.str(&x.EventSource)
	case 2: // eventName
		ok, err = d.str(&x.EventName)
	case 3: // insightType
		ok, err = d.str((*string)(&x.InsightType))
	case 4: // errorCode
		ok, err = d.str(&x.ErrorCode)
	case 5: // insightContext
		ok, err = obj(d, &x.InsightContext)
	}
	return i, ok, err
}

func (x *InsightContext) fieldIndex(key []byte) int {
	switch string(key) {
	case "statistics":
		return 0
	case "attributions":
		return 1
	}
	return -1
}

func (x *InsightContext) unknownMembers() *Members { return &x.Unknown }

func (x *InsightContext) decodeMember(d *decoder, key []byte) (int, bool, error) {
	var ok bool
	var err error
	i := x.fieldIndex(key)
	switch i {
	case 0: // statistics
		ok, err = obj(d, &x.Statistics)
	case 1: // attributions
		ok, err = array(d, &x.Attributions)
	}
	return i, ok, err
}

func (x *InsightStatistics) fieldIndex(key []byte) int {
	switch string(key) {
	case "baseline":
		return 0
	case "insight":
		return 1
	case "insightDuration":
		return 2
	case "baselineDuration":
		return 3
	}
	return -1
}

func (x *InsightStatistics) unknownMembers() *Members { return &x.Unknown }

func (x *InsightStatistics) decodeMember(d *decoder, key []byte) (int, bool, error) {
	var ok bool
	var err error
	i := x.fieldIndex(key)
	switch i {
	case 0: // baseline
		ok, err = obj(d, &x.Baseline)
	case 1: // insight
		ok, err = obj(d, &x.Insight)
	case 2: // insightDuration
		ok, err = d.minutes(&x.InsightDuration)
	case 3: // baselineDuration
		ok, err = d.minutes(&x.BaselineDuration)
	}
	return i, ok, err
}

func (x *Average) fieldIndex(key []byte) int {
	switch string(key) {
	case "average":
		return 0
	}
	return -1
}

func (x *Average) unknownMembers() *Members { return &x.Unknown }

func (x *Average) decodeMember(d *decoder, key []byte) (int, bool, error) {
	var ok bool
	var err error
	i := x.fieldIndex(key)
	switch i {
	case 0: // average
		ok, err = d.average(&x.Average, &x.text)
	}
	return i, ok, err
}

func (x *Attribution) fieldIndex(key []byte) int {
	switch string(key) {
	case "attribute":
		return 0
	case "insight":
		return 1
	case "baseline":
		return 2
	}
	return -1
}

func (x *Attribution) unknownMembers() *Members { return &x.Unknown }

func (x *Attribution) decodeMember(d *decoder, key []byte) (int, bool, error) {
	var ok bool
	var err error
	i := x.fieldIndex(key)
	switch i {
	case 0: // attribute
		ok, err = d.str(&x.Attribute)
	case 1: // insight
		ok, err = array(d, &x.Insight)
	case 2: // baseline
		ok, err = array(d, &x.Baseline)
	}
	return i, ok, err
}

func (x *AttributionValue) fieldIndex(key []byte) int {
	switch string(key) {
	case "value":
		return 0
	case "average":
		return 1
	}
	return -1
}

func (x *AttributionValue) unknownMembers() *Members { return &x.Unknown }

func (x *AttributionValue) decodeMember(d *decoder, key []byte) (int, bool, error) {
	var ok bool
	var err error
	i := x.fieldIndex(key)
	switch i {
	case 0: // value
		ok, err = d.str(&x.Value)
	case 1: // average
		ok, err = d.average(&x.Average, &x.text)
	}
	return i, ok, err
}
