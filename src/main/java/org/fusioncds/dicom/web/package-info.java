/**
 * DICOMweb client (PS3.18): QIDO-RS, WADO-RS, STOW-RS, over the JDK HTTP client.
 *
 * <p>Error codes 2300–2399:
 *
 * <ul>
 *   <li>2300 an argument the caller passed is unusable (a UID, a frame number, a base URL)
 *   <li>2301 the server answered with an HTTP error status (other than 404)
 *   <li>2302 the server answered 404 Not Found
 *   <li>2303 the connection failed or broke (refused, reset, closed mid-response)
 *   <li>2304 the server did not answer, or stopped sending, within the request timeout
 *   <li>2305 the response has an unexpected content type
 *   <li>2306 the response body is not the JSON it should be
 *   <li>2307 STOW-RS: the server refused some or all of the instances
 *   <li>2308 a local file could not be read or written
 *   <li>2309 the calling thread was interrupted
 *   <li>2310 a frames response does not hold one part per requested frame
 *   <li>2311 instance metadata lacks a UID needed to ask for its frames
 *   <li>2320 multipart: the Content-Type has no usable boundary parameter
 *   <li>2321 multipart: the Content-Type is not multipart/related
 *   <li>2322 multipart: the body ended before the closing boundary
 *   <li>2323 multipart: a part's headers exceed the bounded size
 *   <li>2324 multipart: the body is malformed in another way
 * </ul>
 */
package org.fusioncds.dicom.web;
