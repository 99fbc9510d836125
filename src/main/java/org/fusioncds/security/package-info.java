/**
 * The {@code security} step of the flow: who may call (CDS Hooks 2.0.1 §Trusting CDS Clients: a JWT
 * signed by the EHR, RFC 7515/7519, keys from the issuer's JWKS, RFC 7517; Keycloak tokens with
 * realm roles for the module's API), where the module may connect (the {@code fhirServer} and
 * DICOMweb allowlists), and the tokens it sends there (the hook's {@code fhirAuthorization}, OAuth
 * 2.0 client credentials RFC 6749 §4.4, SMART Backend Services {@code private_key_jwt}, RFC 7523).
 * Inbound checks run as Camel route policies ({@link org.fusioncds.security.BearerRoutePolicy})
 * before a route's first step.
 *
 * <p>Errors: 7001–7017 the bearer-token refusals of {@link org.fusioncds.security.TokenVerifier}
 * (listed in {@link org.fusioncds.security.Refusal}); 7021 a missing role (403); 7022–7026
 * configuration (7024: the insecure switch is on; 7025, 7027: nobody trusted, nothing allowed);
 * 7029 the sandbox EHR; 7030–7036 refused outbound URLs (400); 7051–7055 outbound tokens; 7060–7062
 * the outbound token settings.
 */
package org.fusioncds.security;
