/**
 * DICOMweb client (PS3.18): QIDO-RS, WADO-RS, STOW-RS, over the JDK HTTP client.
 *
 * <p>Error codes ({@link org.fusioncds.error.ErrorCode}; code, HTTP status, meaning):
 *
 * <ul>
 *   <li>FCDS-2300 (500) an argument the caller passed is unusable (a UID, a frame number, a base
 *       URL)
 *   <li>FCDS-2301 (500) the server answered with an HTTP error status (other than 404)
 *   <li>FCDS-2302 (500) the server answered 404 Not Found
 *   <li>FCDS-2303 (500) the connection failed or broke (refused, reset, closed mid-response)
 *   <li>FCDS-2304 (500) the server did not answer, or stopped sending, within the request timeout
 *   <li>FCDS-2305 (500) the response has an unexpected content type
 *   <li>FCDS-2306 (500) the response body is not the JSON it should be
 *   <li>FCDS-2307 (500) STOW-RS: the server refused some or all of the instances
 *   <li>FCDS-2308 (500) a local file could not be read or written
 *   <li>FCDS-2309 (500) the calling thread was interrupted
 *   <li>FCDS-2310 (500) a frames response does not hold one part per requested frame
 *   <li>FCDS-2311 (500) instance metadata lacks a UID needed to ask for its frames
 *   <li>FCDS-2316 (500) a DICOM JSON answer is larger than the client reads
 *   <li>FCDS-2320 (500) multipart: the Content-Type has no usable boundary parameter
 *   <li>FCDS-2321 (500) multipart: the Content-Type is not multipart/related
 *   <li>FCDS-2322 (500) multipart: the body ended before the closing boundary
 *   <li>FCDS-2323 (500) multipart: a part's headers exceed the bounded size
 *   <li>FCDS-2324 (500) multipart: the body is malformed in another way
 * </ul>
 */
package org.fusioncds.dicom.web;
