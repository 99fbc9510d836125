/**
 * The {@code dicom} step of the flow: reading DICOM files and data sets (PS3.5, PS3.10), the DICOM
 * JSON model (PS3.18 Annex F) and writing our own Part 10 files. Pixel decoding lives in {@code
 * dicom.pixel}, codecs of our own in {@code dicom.codec}, the DICOMweb client in {@code dicom.web}.
 *
 * <p>Error codes ({@link org.fusioncds.error.ErrorCode}; code, HTTP status, meaning):
 *
 * <ul>
 *   <li>FCDS-2001 (500) a DICOM file cannot be opened
 *   <li>FCDS-2002 (500) a read error in a DICOM stream
 *   <li>FCDS-2003 (500) a DICOM stream ends unexpectedly
 *   <li>FCDS-2004 (500) an element, item or fragment declares a length beyond its container
 *   <li>FCDS-2005 (500) a sequence delimiter inside an unclosed item
 *   <li>FCDS-2006 (500) an element has an invalid VR
 *   <li>FCDS-2007 (500) sequences nested deeper than the limit
 *   <li>FCDS-2008 (500) not a DICOM stream
 *   <li>FCDS-2009 (500) more elements in one stream than the limit
 *   <li>FCDS-2010 (500) an unknown transfer syntax
 *   <li>FCDS-2011 (500) a bulk value too large to hold in memory
 *   <li>FCDS-2012 (500) a deflated data set beyond the size limit
 *   <li>FCDS-2013 (500) a deflated data set is corrupt
 *   <li>FCDS-2014 (500) an undefined length on an element that cannot have one
 *   <li>FCDS-2015 (500) a sequence holds something other than an item
 *   <li>FCDS-2016 (500) encapsulated pixel data holds something other than a fragment item
 *   <li>FCDS-2017 (500) an element value over the size limit
 *   <li>FCDS-2018 (500) a bulk data range outside the value
 *   <li>FCDS-2020 (500) an element value is not a number
 *   <li>FCDS-2451 (500) a DICOM JSON key is not 8 hex digits
 *   <li>FCDS-2452 (500) no DICOM defined term for a charset
 *   <li>FCDS-2453 (500) not valid JSON
 *   <li>FCDS-2454 (500) a DICOM JSON data set is not an object
 *   <li>FCDS-2455 (500) a DICOM JSON attribute has no valid vr
 *   <li>FCDS-2456 (500) InlineBinary is not base64
 *   <li>FCDS-2457 (500) a DICOM JSON Value of the wrong form
 *   <li>FCDS-2458 (500) a DICOM JSON value is not a number
 *   <li>FCDS-2460 (500) a DICOM file cannot be written
 *   <li>FCDS-2461 (500) pixel data that cannot be written in the target transfer syntax
 *   <li>FCDS-2462 (500) a data set to write lacks SOPClassUID or SOPInstanceUID
 *   <li>FCDS-2463 (500) a value to write is only a bulk data reference
 *   <li>FCDS-2464 (500) a value too long for one element
 *   <li>FCDS-2465 (500) a value too long for a VR with a 16-bit length
 * </ul>
 */
package org.fusioncds.dicom;
