/**
 * The SMART app a result card links to (SMART App Launch 2.0, EHR launch, served at {@code /app/},
 * routes {@code routes/smart-app.camel.yaml}): the EHR opens {@code /app/launch?iss=…&launch=…}
 * with a launch it signed (its CDS Hooks key: patient, FHIR server, the card's {@code appContext});
 * the module, a confidential client, sends the browser to the authorization server (authorization
 * code with PKCE S256, {@code aud} = the FHIR server), exchanges the code server-side and keeps the
 * tokens in a bounded, expiring session named by an {@code HttpOnly}, {@code SameSite=Lax} cookie.
 * The page reads the DiagnosticReport, its Media, Observations, Provenance and HTML form with the
 * user's token (each read audited, the user as agent) and shows the form, the key image with its
 * overlay toggled, a sparkline of each lab over the model's window and a feedback form (CSRF token)
 * stored as CDS Hooks 2.0.1 feedback and written as the user's review of the report.
 *
 * <p>Error codes ({@link org.fusioncds.error.ErrorCode}; code, HTTP status, meaning):
 *
 * <ul>
 *   <li>FCDS-1200 (400) a SMART launch came without its launch or iss parameter
 *   <li>FCDS-1201 (401) a SMART launch is expired, used before, not signed by a trusted EHR or not
 *       meant for this app
 *   <li>FCDS-1202 (400) a SMART launch names a FHIR server (iss, the aud asked for) other than its
 *       launch context's
 *   <li>FCDS-1203 (400) a SMART authorization answer names an unknown or expired state or session
 *   <li>FCDS-1204 (401) the authorization server refused the code exchange (PKCE verifier, code)
 *   <li>FCDS-1205 (403) a SMART app request names a patient other than the launch context's
 *   <li>FCDS-1206 (401) a SMART app request came without an authorized live session
 *   <li>FCDS-1207 (403) a SMART app form came without its session's CSRF token or with another
 *   <li>FCDS-1208 (400) SMART app feedback is incomplete, unknown or too long
 *   <li>FCDS-1209 (502) the SMART app's authorization server could not be reached or read
 *   <li>FCDS-1210 (502) the SMART app could not read the report with the user's token
 *   <li>FCDS-1211 (503) the SMART app has no authorization server configured
 *   <li>FCDS-1212 (401) the authorization server answered the SMART authorization with an error
 *   <li>FCDS-1213 (410) the report the card names was withdrawn (marked entered in error): its
 *       result is not shown
 *   <li>FCDS-1219 (500) an unexpected error in the SMART app
 * </ul>
 */
package org.fusioncds.smart;
