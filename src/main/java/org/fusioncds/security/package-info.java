/**
 * The {@code security} step of the flow: who may call (CDS Hooks 2.0.1 §Trusting CDS Clients: a JWT
 * signed by the EHR, RFC 7515/7519, keys from the issuer's JWKS, RFC 7517), where the module may
 * connect (the {@code fhirServer} and DICOMweb allowlists), and the tokens it sends there (the
 * hook's {@code fhirAuthorization}, OAuth 2.0 client credentials RFC 6749 §4.4, SMART Backend
 * Services {@code private_key_jwt}, RFC 7523). Errors 7001–7069: 7001–7016 are the bearer-token
 * refusals of {@link org.fusioncds.security.TokenVerifier} (listed in {@link
 * org.fusioncds.security.Refusal}), 7029 the sandbox EHR.
 */
package org.fusioncds.security;
