/**
 * The {@code security} step of the flow: who may call (CDS Hooks 2.0.1 §Trusting CDS Clients: a JWT
 * signed by the EHR, RFC 7515/7519, keys from the issuer's JWKS, RFC 7517; Keycloak tokens with
 * realm roles for the module's API), where the module may connect (the {@code fhirServer} and
 * DICOMweb allowlists), and the tokens it sends there (the hook's {@code fhirAuthorization}, OAuth
 * 2.0 client credentials RFC 6749 §4.4, SMART Backend Services {@code private_key_jwt}, RFC 7523).
 * Inbound checks run as Camel route policies ({@link org.fusioncds.security.BearerRoutePolicy})
 * before a route's first step.
 *
 * <p>Error codes ({@link org.fusioncds.error.ErrorCode}; code, HTTP status, meaning):
 *
 * <ul>
 *   <li>FCDS-7001 (401) no bearer token
 *   <li>FCDS-7002 (401) token is not a compact JWS JWT
 *   <li>FCDS-7003 (401) token algorithm or key header not accepted
 *   <li>FCDS-7004 (401) token issuer not trusted
 *   <li>FCDS-7005 (401) token key not found
 *   <li>FCDS-7006 (401) token key set URL not allowed
 *   <li>FCDS-7007 (401) token signature not valid
 *   <li>FCDS-7008 (401) token audience not accepted
 *   <li>FCDS-7009 (401) token expired
 *   <li>FCDS-7010 (401) token not yet valid
 *   <li>FCDS-7011 (401) token already used
 *   <li>FCDS-7012 (401) token lacks a required claim
 *   <li>FCDS-7013 (401) token tenant not accepted
 *   <li>FCDS-7014 (503) issuer keys unavailable
 *   <li>FCDS-7015 (401) token lifetime too long
 *   <li>FCDS-7016 (503) replay cache full
 *   <li>FCDS-7017 (401) token is not an access token
 *   <li>FCDS-7021 (403) the caller lacks the role this resource needs
 *   <li>FCDS-7022 (500) security.mode must be production or dev
 *   <li>FCDS-7023 (500) security.insecure-unsigned-hooks needs security.mode=dev
 *   <li>FCDS-7024 (500) INSECURE: CDS Hooks calls are accepted without a signed JWT
 *   <li>FCDS-7025 (500) no trusted CDS Hooks issuer is configured
 *   <li>FCDS-7026 (500) a trusted issuer has no jwks-url
 *   <li>FCDS-7027 (500) an outbound allowlist is empty
 *   <li>FCDS-7028 (500) a JWKS URL or an allowed jku is not https in security.mode=production
 *   <li>FCDS-7029 (500) the sandbox EHR cannot listen, sign or make a key
 *   <li>FCDS-7030 (400) an allowed base URL is unusable
 *   <li>FCDS-7031 (400) a URL is not under any allowed base URL
 *   <li>FCDS-7032 (400) a URL uses a scheme that is not allowed
 *   <li>FCDS-7033 (400) a URL names an IP address, not a host name
 *   <li>FCDS-7034 (400) a URL names this machine or a non-public address
 *   <li>FCDS-7035 (400) a URL is missing or malformed
 *   <li>FCDS-7036 (400) a URL's host does not resolve
 *   <li>FCDS-7040 (413) the request body is larger than the server accepts
 *   <li>FCDS-7041 (408) the request body did not arrive in time
 *   <li>FCDS-7042 (500) an edge.* setting is not a positive number
 *   <li>FCDS-7043 (414) the request line is longer than the server accepts
 *   <li>FCDS-7044 (431) the request's header block is larger than the server accepts
 *   <li>FCDS-7045 (400) the request is not HTTP/1.x the server can read
 *   <li>FCDS-7051 (500) the token endpoint cannot be reached
 *   <li>FCDS-7052 (500) the token endpoint refused the client
 *   <li>FCDS-7053 (500) the token endpoint's answer is malformed
 *   <li>FCDS-7054 (412) the hook's fhirAuthorization expired
 *   <li>FCDS-7055 (500) the private_key_jwt client assertion cannot be signed
 *   <li>FCDS-7060 (500) security.outbound.auth must be none, client-secret or private-key-jwt
 *   <li>FCDS-7061 (500) a security.outbound setting is not set
 *   <li>FCDS-7062 (500) the outbound key file holds no readable private JWK
 * </ul>
 */
package org.fusioncds.security;
