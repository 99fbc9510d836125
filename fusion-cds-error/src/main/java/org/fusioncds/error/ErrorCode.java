package org.fusioncds.error;

import java.util.Arrays;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Every error code of fusion-cds, once: the number ({@code FCDS-NNNN}), the HTTP status the module
 * answers with when the error reaches a caller (500 unless the caller has something to fix), and
 * what it means; 502 and 504 for an upstream server that failed or did not answer in time. Ranges
 * (DESIGN.md): 1xxx cdshooks, 2xxx dicom, 3xxx fhir, 4xxx assemble, 5xxx inference, 6xxx report,
 * 7xxx security and audit, 8xxx sandbox and CLI, 9xxx configuration. A code, once used, keeps its
 * meaning. Depends on nothing but the JDK (the DICOM library uses it alone).
 *
 * <p>The {@code package-info.java} tables and the README list codes; {@code ErrorCodeTableTest}
 * keeps them in agreement with this enum.
 */
public enum ErrorCode {
  REQUEST_BODY_INVALID(1001, 400, "the request body is not a readable JSON object"),
  HOOK_MISSING(1002, 400, "the request names no hook"),
  HOOK_MISMATCH(1003, 400, "the request's hook is not the one the service answers"),
  HOOK_INSTANCE_MISSING(1004, 400, "the request has no hookInstance"),
  CONTEXT_MISSING(1005, 400, "the request's context is missing or not an object"),
  PATIENT_ID_INVALID(1006, 400, "context.patientId is missing or not a FHIR id"),
  USER_ID_INVALID(1007, 400, "context.userId does not reference a user"),
  ENCOUNTER_ID_INVALID(1008, 400, "context.encounterId is not a FHIR id"),
  FHIR_SERVER_URL_INVALID(1009, 400, "fhirServer is not an absolute http(s) URL"),
  FHIR_AUTHORIZATION_INCOMPLETE(1010, 400, "fhirAuthorization lacks a required field"),
  FHIR_AUTHORIZATION_WITHOUT_SERVER(1011, 400, "fhirAuthorization given without a fhirServer"),
  PREFETCH_INVALID(1012, 400, "prefetch is not an object of FHIR resources"),
  SERVICE_UNKNOWN(1013, 404, "no CDS service with that id"),
  MODEL_CARD_UNKNOWN(1014, 404, "no model card with that id"),
  REQUEST_TOO_LARGE(1015, 413, "the request body is larger than cds.request.max-body-bytes"),
  REQUEST_TOO_DEEP(1016, 400, "the request JSON nests deeper than cds.request.max-depth"),
  REQUEST_STRING_TOO_LONG(
      1017, 400, "a string, name or number in the request is longer than its limit"),
  REQUEST_ARRAY_TOO_LONG(
      1018, 400, "an array in the request has more items than cds.request.max-array-length"),
  REQUEST_LIMITS_SETTING(1019, 500, "a cds.request.* limit is out of range"),
  FEEDBACK_BODY_INVALID(1020, 400, "the feedback body is not valid JSON"),
  FEEDBACK_EMPTY(1021, 400, "feedback is not a non-empty array"),
  FEEDBACK_CARD_UNKNOWN(
      1022, 404, "feedback names a card never issued, or one older than the cards kept"),
  FEEDBACK_OUTCOME_INVALID(1023, 400, "feedback outcome is not accepted or overridden"),
  FEEDBACK_NOT_STORED(1024, 500, "feedback could not be stored"),
  FEEDBACK_ITEM_INVALID(
      1025, 400, "a feedback item or one of its fields has the wrong type or form"),
  FEEDBACK_SETTINGS(1026, 500, "cds.feedback.cards-kept is out of range"),
  CARD_TIMING_SETTINGS(1027, 500, "cds.card-timing or cds.report-queue.* is out of range"),
  PENDING_REPORT_NOT_STORED(
      1028, 500, "a report to be written behind its card could not be journaled"),
  PENDING_REPORTS_UNREADABLE(
      1029, 500, "the journal of reports to be written behind their cards is unreadable"),
  PENDING_REPORT_SUPERSEDED(
      1030, 409, "a report a card named was not written and its case changed before the replay"),
  FLOW_MESSAGE_VERSION(1090, 500, "a flow message (evaluation job or outcome) has another version"),
  FLOW_MESSAGE_INCOMPLETE(1091, 500, "a flow message lacks a required field"),
  FLOW_MESSAGE_INVALID(1092, 500, "a flow message is not valid JSON"),
  JOB_NOT_QUEUED(1093, 503, "an evaluation job could not be queued"),
  JOB_REPORT_MISSING(1094, 502, "the report an evaluation job names is not on the FHIR server"),
  GATHER_BRANCHES_MISMATCH(
      1098, 500, "the gather branches did not give one clinical and one image result"),
  UNEXPECTED(1099, 500, "an unexpected error while answering a request"),
  MODEL_NOT_SERVED(1110, 500, "a job names a model this service does not serve"),
  SUBSCRIPTION_SECRET_UNSET(
      1150, 401, "a subscription notification came but no shared secret is configured"),
  SUBSCRIPTION_SECRET_WRONG(
      1151, 401, "a subscription notification lacks the shared secret or carries a wrong one"),
  SUBSCRIPTION_NOTIFICATION_INVALID(
      1152, 400, "a subscription notification is not an R4 Bundle with a subscription status"),
  SUBSCRIPTION_NOTIFICATION_TYPE(1153, 400, "a subscription notification has an unknown type"),
  SUBSCRIPTION_FOCUS_UNUSABLE(
      1154, 422, "a subscription notification's focus is not a study or lab of a patient"),
  SMART_LAUNCH_MISSING(1200, 400, "a SMART launch came without its launch or iss parameter"),
  SMART_LAUNCH_REFUSED(
      1201,
      401,
      "a SMART launch is expired, used before, not signed by a trusted EHR or not meant for this app"),
  SMART_AUD_WRONG(
      1202,
      400,
      "a SMART launch names a FHIR server (iss, the aud asked for) other than its launch context's"),
  SMART_STATE_UNKNOWN(
      1203, 400, "a SMART authorization answer names an unknown or expired state or session"),
  SMART_TOKEN_REFUSED(
      1204, 401, "the authorization server refused the code exchange (PKCE verifier, code)"),
  SMART_PATIENT_MISMATCH(
      1205, 403, "a SMART app request names a patient other than the launch context's"),
  SMART_SESSION_MISSING(1206, 401, "a SMART app request came without an authorized live session"),
  SMART_CSRF_WRONG(
      1207, 403, "a SMART app form came without its session's CSRF token or with another"),
  SMART_FEEDBACK_INVALID(1208, 400, "SMART app feedback is incomplete, unknown or too long"),
  SMART_AUTH_SERVER(1209, 502, "the SMART app's authorization server could not be reached or read"),
  SMART_FHIR_READ(1210, 502, "the SMART app could not read the report with the user's token"),
  SMART_NOT_CONFIGURED(1211, 503, "the SMART app has no authorization server configured"),
  SMART_AUTHORIZATION_DENIED(
      1212, 401, "the authorization server answered the SMART authorization with an error"),
  SMART_REPORT_WITHDRAWN(
      1213,
      410,
      "the report the card names was withdrawn (marked entered in error): its result is not shown"),
  SMART_FAILED(1219, 500, "an unexpected error in the SMART app"),
  FILE_UNREADABLE(2001, 500, "a DICOM file cannot be opened"),
  READ_FAILED(2002, 500, "a read error in a DICOM stream"),
  UNEXPECTED_END(2003, 500, "a DICOM stream ends unexpectedly"),
  LENGTH_EXCEEDS_CONTAINER(
      2004, 500, "an element, item or fragment declares a length beyond its container"),
  SEQUENCE_DELIMITER_IN_ITEM(2005, 500, "a sequence delimiter inside an unclosed item"),
  VR_INVALID(2006, 500, "an element has an invalid VR"),
  NESTING_TOO_DEEP(2007, 500, "sequences nested deeper than the limit"),
  NOT_DICOM(2008, 500, "not a DICOM stream"),
  TOO_MANY_ELEMENTS(2009, 500, "more elements in one stream than the limit"),
  TRANSFER_SYNTAX_UNKNOWN(2010, 500, "an unknown transfer syntax"),
  BULK_VALUE_TOO_LARGE(2011, 500, "a bulk value too large to hold in memory"),
  DEFLATED_TOO_LARGE(2012, 500, "a deflated data set beyond the size limit"),
  DEFLATED_CORRUPT(2013, 500, "a deflated data set is corrupt"),
  UNDEFINED_LENGTH_NOT_ALLOWED(2014, 500, "an undefined length on an element that cannot have one"),
  ITEM_EXPECTED(2015, 500, "a sequence holds something other than an item"),
  FRAGMENT_EXPECTED(
      2016, 500, "encapsulated pixel data holds something other than a fragment item"),
  VALUE_TOO_LARGE(2017, 500, "an element value over the size limit"),
  BULK_RANGE_INVALID(2018, 500, "a bulk data range outside the value"),
  VALUE_NOT_NUMBER(2020, 500, "an element value is not a number"),
  PIXEL_DATA_MISSING(2100, 500, "no Pixel Data in the data set"),
  IMAGE_ATTRIBUTE_MISSING(2101, 500, "an image attribute is missing or not positive"),
  IMAGE_ATTRIBUTES_INVALID(2102, 500, "image pixel attributes are invalid or inconsistent"),
  FRAME_TOO_LARGE(2103, 500, "a frame exceeds the pixel or byte limit"),
  FRAGMENTS_MISSING(2104, 500, "encapsulated pixel data has no fragments"),
  OFFSET_TABLE_INVALID(2105, 500, "a frame cannot be located through the offset table"),
  FRAME_INDEX_OUT_OF_RANGE(2106, 500, "a frame number beyond the image's frames"),
  NATIVE_FOR_ENCAPSULATED(
      2107, 500, "native pixel data where the transfer syntax needs encapsulated"),
  PIXEL_DATA_SHORT(2108, 500, "pixel data shorter than the frame needs"),
  RLE_HEADER_SHORT(2110, 500, "an RLE frame shorter than its header"),
  RLE_SEGMENT_COUNT(2111, 500, "an RLE header declares the wrong number of segments"),
  RLE_SEGMENT_OUTSIDE(2112, 500, "an RLE segment lies outside the frame"),
  RLE_SEGMENT_LENGTH(2113, 500, "an RLE segment decodes to the wrong length"),
  CODESTREAM_UNDECODABLE(2120, 500, "a codestream cannot be decoded by ImageIO"),
  CODESTREAM_MISMATCH(2121, 500, "a codestream disagrees with the data set's image attributes"),
  JPEG2000_TRUNCATED(2122, 500, "a JPEG 2000 codestream is truncated or corrupt"),
  TRANSFER_SYNTAX_NOT_DECODED(2130, 500, "a transfer syntax not decoded here"),
  RESCALE_UNUSABLE(2140, 500, "Rescale Slope / Intercept unusable"),
  MODALITY_LUT_UNSUPPORTED(
      2141, 500, "a Modality LUT Sequence (only a linear rescale is supported)"),
  MODALITY_LUT_MULTI_SAMPLE(2142, 500, "a modality LUT on a frame that is not single-sample"),
  VOI_WINDOW_INVALID(2143, 500, "a VOI window center / width is unusable"),
  VOI_WINDOW_COUNT(2144, 500, "VOI window value counts differ or the window index is out of range"),
  VOI_FUNCTION_UNKNOWN(2145, 500, "an unknown VOI LUT Function"),
  PALETTE_NOT_APPLICABLE(
      2150, 500, "palette lookup on a frame that is not single-sample PALETTE COLOR"),
  PALETTE_DESCRIPTOR_INVALID(2151, 500, "a Palette Color Lookup Table Descriptor is invalid"),
  PALETTE_DATA_MISSING(2152, 500, "Palette Color Lookup Table Data missing"),
  PALETTE_INCONSISTENT(2153, 500, "palette descriptors or data disagree"),
  PALETTE_SEGMENTED(2154, 500, "segmented palette tables are not supported"),
  COLOR_CONVERSION_UNSUPPORTED(
      2155, 500, "conversion to RGB of a frame that is not 3-sample YBR_FULL or RGB"),
  JPEG_LS_NO_SOI(2200, 500, "JPEG-LS codestream missing or without SOI"),
  JPEG_LS_TRUNCATED(2201, 500, "JPEG-LS codestream ends before EOI"),
  JPEG_LS_MARKER_MISPLACED(2202, 500, "JPEG-LS marker where it is not allowed"),
  JPEG_LS_MARKER_UNSUPPORTED(2203, 500, "JPEG-LS marker not supported"),
  JPEG_LS_PRECISION(2204, 500, "JPEG-LS bits per sample not supported"),
  JPEG_LS_DIMENSION(2205, 500, "JPEG-LS frame width or height 0"),
  JPEG_LS_IMAGE_TOO_LARGE(2206, 500, "JPEG-LS image over the size limit"),
  JPEG_LS_COMPONENTS(2207, 500, "JPEG-LS frame components invalid or not supported"),
  JPEG_LS_SCAN_HEADER(2208, 500, "JPEG-LS scan header invalid"),
  JPEG_LS_PRESET(2209, 500, "JPEG-LS preset parameters invalid"),
  JPEG_LS_MAPPING_TABLE(2210, 500, "JPEG-LS mapping tables or preset types not supported"),
  JPEG_LS_COLOUR_TRANSFORM(2211, 500, "JPEG-LS colour transform not supported"),
  JPEG_LS_SCAN_CORRUPT(2212, 500, "JPEG-LS scan data corrupt"),
  JPEG_LS_RESTART(2213, 500, "JPEG-LS restart marker missing or out of sequence"),
  JPEG_LS_SEGMENT_LENGTH(2214, 500, "JPEG-LS segment of invalid length"),
  JPEG_LS_INCOMPLETE(2215, 500, "JPEG-LS EOI while a component was in no scan"),
  JPEG_LS_POINT_TRANSFORM(2216, 500, "JPEG-LS point transform not supported"),
  JPEG_NOT_JPEG(2250, 500, "not a JPEG codestream"),
  JPEG_TRUNCATED(
      2251, 500, "JPEG codestream ends inside a marker segment or before the image is complete"),
  JPEG_UNSUPPORTED_PROCESS(
      2252,
      500,
      "a JPEG process other than Huffman-coded sequential DCT (4.50, 4.51) or lossless (4.57, 4.70) for the transfer syntax"),
  JPEG_BAD_FRAME(2253, 500, "invalid or unsupported JPEG frame header"),
  JPEG_TOO_LARGE(2254, 500, "JPEG image larger than the decoder allocates"),
  JPEG_MISSING_TABLE(2255, 500, "a JPEG scan refers to an undefined quantisation or Huffman table"),
  JPEG_BAD_DQT(2256, 500, "invalid JPEG DQT segment"),
  JPEG_BAD_DHT(2257, 500, "invalid JPEG DHT segment"),
  JPEG_BAD_SOS(2258, 500, "invalid JPEG SOS segment"),
  JPEG_BAD_CODE(2259, 500, "a JPEG bit sequence that is not a Huffman code"),
  JPEG_ENTROPY_TRUNCATED(2260, 500, "JPEG entropy-coded data ends before all blocks are decoded"),
  JPEG_BAD_COEFFICIENT(2261, 500, "invalid JPEG coefficient coding"),
  JPEG_BAD_RESTART(2262, 500, "invalid JPEG DRI segment or restart marker"),
  JPEG_INCOMPLETE(2263, 500, "JPEG codestream without frame, scan or with an uncoded component"),
  JPEG_UNEXPECTED_MARKER(2264, 500, "a JPEG marker where it is not allowed"),
  DICOMWEB_ARGUMENT_INVALID(
      2300, 500, "an argument the caller passed is unusable (a UID, a frame number, a base URL)"),
  DICOMWEB_HTTP_ERROR(2301, 500, "the server answered with an HTTP error status (other than 404)"),
  DICOMWEB_NOT_FOUND(2302, 500, "the server answered 404 Not Found"),
  DICOMWEB_CONNECTION_FAILED(
      2303, 500, "the connection failed or broke (refused, reset, closed mid-response)"),
  DICOMWEB_TIMEOUT(
      2304, 500, "the server did not answer, or stopped sending, within the request timeout"),
  DICOMWEB_CONTENT_TYPE(2305, 500, "the response has an unexpected content type"),
  DICOMWEB_JSON_INVALID(2306, 500, "the response body is not the JSON it should be"),
  STOW_REFUSED(2307, 500, "STOW-RS: the server refused some or all of the instances"),
  DICOMWEB_LOCAL_FILE(2308, 500, "a local file could not be read or written"),
  DICOMWEB_INTERRUPTED(2309, 500, "the calling thread was interrupted"),
  DICOMWEB_PART_COUNT(2310, 500, "a frames response does not hold one part per requested frame"),
  DICOMWEB_METADATA_UID_MISSING(
      2311, 500, "instance metadata lacks a UID needed to ask for its frames"),
  INSTANCE_METADATA_COUNT(2312, 500, "instance metadata does not hold exactly one data set"),
  SERIES_WITHOUT_INSTANCES(2313, 500, "a series has no instances on the PACS"),
  DICOMWEB_BASE_MISSING(
      2314, 500, "the study names no DICOMweb endpoint and dicomweb.base-url is not set"),
  STUDY_ENDPOINT_UNREADABLE(2315, 500, "the study's Endpoint cannot be read from the FHIR server"),
  DICOMWEB_JSON_TOO_LARGE(2316, 500, "a DICOM JSON answer is larger than the client reads"),
  MULTIPART_NO_BOUNDARY(2320, 500, "multipart: the Content-Type has no usable boundary parameter"),
  MULTIPART_NOT_RELATED(2321, 500, "multipart: the Content-Type is not multipart/related"),
  MULTIPART_UNTERMINATED(2322, 500, "multipart: the body ended before the closing boundary"),
  MULTIPART_HEADERS_TOO_LARGE(2323, 500, "multipart: a part's headers exceed the bounded size"),
  MULTIPART_MALFORMED(2324, 500, "multipart: the body is malformed in another way"),
  SERIES_NONE_ACCEPTED(
      2330, 500, "the PACS has no series of an accepted modality for the chosen study"),
  SERIES_TOO_MANY_INSTANCES(
      2331, 500, "a series has more instances than dicomweb.series.max-instances"),
  SERIES_METADATA_MISSING(2332, 500, "the series metadata lacks an instance the search listed"),
  SERIES_MULTI_FRAME(
      2333, 500, "a multi-frame instance among several instances of the series gathered"),
  VOLUME_NO_SLICES(2400, 500, "no slices to build a volume from"),
  VOLUME_GEOMETRY_MISSING(2401, 500, "Image Position / Orientation (Patient) missing or malformed"),
  VOLUME_MIXED_ORIENTATION(2402, 500, "slices with different orientations"),
  VOLUME_SLICE_SIZE(2403, 500, "slice Rows / Columns missing or different"),
  VOLUME_DUPLICATE_SLICE(2404, 500, "two slices at the same position"),
  VOLUME_SPACING_IRREGULAR(2405, 500, "slice spacing not uniform"),
  VOLUME_TOO_LARGE(2406, 500, "a volume over the byte limit"),
  VOLUME_PIXEL_SPACING(
      2407, 500, "Pixel Spacing missing, not positive or different between slices"),
  VOLUME_MIXED_SERIES(
      2408, 500, "slices of different series, frames of reference or changed files"),
  VOLUME_SAMPLES(2409, 500, "slices that are not single-sample single-frame images"),
  VOLUME_SINGLE_SLICE_THICKNESS(2410, 500, "a single slice without spacing or thickness"),
  VOLUME_ORIENTATION_INVALID(
      2411, 500, "Image Orientation (Patient) is not two orthogonal unit vectors"),
  VOLUME_SLICES_OBLIQUE(2412, 500, "slice positions not on one line along the normal"),
  JSON_KEY_INVALID(2451, 500, "a DICOM JSON key is not 8 hex digits"),
  JSON_CHARSET_TERM(2452, 500, "no DICOM defined term for a charset"),
  JSON_INVALID(2453, 500, "not valid JSON"),
  JSON_NOT_OBJECT(2454, 500, "a DICOM JSON data set is not an object"),
  JSON_VR_INVALID(2455, 500, "a DICOM JSON attribute has no valid vr"),
  JSON_INLINE_BINARY_INVALID(2456, 500, "InlineBinary is not base64"),
  JSON_VALUE_INVALID(2457, 500, "a DICOM JSON Value of the wrong form"),
  JSON_VALUE_NOT_NUMBER(2458, 500, "a DICOM JSON value is not a number"),
  WRITE_FAILED(2460, 500, "a DICOM file cannot be written"),
  WRITE_PIXEL_DATA(2461, 500, "pixel data that cannot be written in the target transfer syntax"),
  WRITE_SOP_MISSING(2462, 500, "a data set to write lacks SOPClassUID or SOPInstanceUID"),
  WRITE_BULK_REFERENCE(2463, 500, "a value to write is only a bulk data reference"),
  WRITE_VALUE_TOO_LONG(2464, 500, "a value too long for one element"),
  WRITE_SHORT_VALUE_TOO_LONG(2465, 500, "a value too long for a VR with a 16-bit length"),
  VOLUME_GRID_INVALID(2500, 500, "a volume resampling grid that is not valid"),
  VOLUME_TOO_FEW_SLICES(2501, 500, "a series with fewer slices than the volume needs"),
  VOLUME_NOT_COVERED(2502, 500, "a series that covers too little of the resampled volume"),
  FHIR_UNREACHABLE(3001, 502, "the FHIR server cannot be reached"),
  FHIR_TOKEN_REFUSED(3002, 502, "the FHIR server refused the token"),
  FHIR_NOT_FOUND(3003, 404, "not found on the FHIR server (the hook's patient)"),
  FHIR_HTTP_ERROR(3004, 502, "the FHIR server answered with an HTTP error status"),
  PREFETCH_UNUSABLE(3005, 400, "a prefetch value is not the resource expected"),
  FHIR_SERVER_MISSING(
      3006,
      412,
      "the hook names no fhirServer and fhir.base-url is not set: the prefetch cannot be completed"),
  FHIR_TIMEOUT(3007, 504, "the FHIR server did not answer in time"),
  FHIR_ANSWER_INVALID(3008, 502, "the FHIR server's answer is not the FHIR resource asked for"),
  FHIR_ANSWER_TOO_LARGE(3009, 502, "the FHIR server's answer exceeds fhir.max-response-bytes"),
  FHIR_PAGING_LOOP(3010, 502, "the FHIR server's next links lead back to a page already read"),
  FHIR_CHANGE_FEED_REFUSED(
      3011, 502, "the FHIR server does not serve the change feed (type-level _history since)"),
  FHIR_CHANGE_FEED_CLOCK(
      3012, 502, "the FHIR server's clock is too far from ours for the change feed's overlap"),
  FHIR_TOO_MANY_PAGES(
      3013,
      502,
      "the FHIR server's search has more next pages than the gather reads: the inputs would be"
          + " incomplete"),
  FHIR_STORED_KEYS_UNREAD(
      3014,
      502,
      "the result keys of the patient's stored reports could not be read: the result key is looked"
          + " up instead"),
  FHIR_LINK_ELSEWHERE(
      3015,
      502,
      "the FHIR server's answer links to a server the module may not call (a next link): not"
          + " followed, no token sent"),
  NO_PATIENT(4101, 500, "no Patient to assemble inputs for"),
  NO_ANCHOR_TIME(
      4102, 500, "no eligible ImagingStudy and no evaluation time to anchor the lab window"),
  CARD_INPUT_UNPRODUCED(4103, 500, "a card input is produced by neither image nor tabular"),
  OUTSIDE_INTENDED_AGE(4111, 422, "the patient's age is outside the model's intended use"),
  OUTSIDE_INTENDED_VIEW(4112, 422, "the image's view position is outside the model's intended use"),
  OUTSIDE_INTENDED_SPACING(
      4113, 422, "the image's pixel spacing is outside the model's intended use"),
  IMAGE_NOT_MONOCHROME(4201, 500, "image photometric interpretation not MONOCHROME1/2"),
  IMAGE_NOT_GREY(4202, 500, "image has more than one sample per pixel"),
  WINDOW_WIDTH_INVALID(4203, 500, "window width below 1"),
  ASSEMBLY_MODEL_UNKNOWN(4204, 500, "no assembly for the model a job names"),
  IMAGE_FEATURE_UNKNOWN(4301, 500, "the model card names an unknown image feature"),
  IMAGE_FEATURES_INVALID(4302, 500, "the model card's imageFeatures section is unusable"),
  NPY_VALUE_COUNT(4401, 500, "the values written differ from the npy shape"),
  NPY_TYPE(4402, 500, "npy element type differs from the declared one"),
  COHORT_BUNDLE_INVALID(4501, 500, "a cohort bundle is unreadable or does not hold one Patient"),
  COHORT_FOLDER_INVALID(4502, 500, "a cohort folder or its labels.csv is unusable"),
  COHORT_LABEL_MISSING(4503, 500, "no label in labels.csv for a patient"),
  COHORT_STUDY_MISSING(4504, 500, "no eligible ImagingStudy for a labelled patient"),
  MODEL_CARD_UNREADABLE(5001, 500, "model card unreadable YAML"),
  MODEL_CARD_FIELD_INVALID(5002, 500, "model card field missing or invalid"),
  MODEL_CARD_REFERENCE(5003, 500, "model card reference to an undeclared tensor, graph or feature"),
  GRAPH_FILE_MISSING(5101, 500, "graph file missing"),
  GRAPH_HASH_DIFFERS(5102, 500, "graph file hash differs from the model card"),
  GRAPH_UNOPENABLE(5103, 500, "ONNX Runtime could not open or describe the graph"),
  GRAPH_CONTRACT(5104, 500, "graph disagrees with the model card"),
  MODELS_FOLDER(5105, 500, "models folder problems"),
  INFERENCE_SETTINGS(5106, 500, "inference settings invalid"),
  INPUT_TENSOR_MISSING(5201, 500, "input tensor missing"),
  INPUT_SHAPE(5202, 500, "input tensor shape differs"),
  INPUT_DTYPE(5203, 500, "input tensor dtype differs"),
  GRAPH_UNKNOWN(5204, 500, "unknown graph"),
  MODEL_UNKNOWN(5205, 500, "unknown model"),
  RUN_FAILED(5206, 500, "ONNX Runtime run failed"),
  OUTPUT_INVALID(5207, 500, "graph output missing or not finite"),
  INFERENCE_FAILED(5301, 500, "inference failed"),
  INFERENCE_INTERRUPTED(5302, 500, "interrupted while waiting for the model"),
  INFERENCE_TIMEOUT(5303, 500, "the model did not answer in time"),
  INFERENCE_QUEUE_FULL(5304, 503, "too many evaluations wait for the model"),
  FUSION_STRATEGY_UNKNOWN(5401, 500, "the model card's fusion strategy is unknown"),
  FUSION_STRATEGY_INVALID(
      5402, 500, "the model card's fusion strategy lacks what it needs or names unknown graphs"),
  OUT_OF_DISTRIBUTION(
      5600,
      422,
      "the case lies outside the model's training distribution (fused-embedding distance above"
          + " the card's threshold)"),
  OOD_STATISTICS_INVALID(5601, 500, "the model's out-of-distribution statistics are unusable"),
  OOD_FIT(5602, 500, "the out-of-distribution statistics cannot be fitted"),
  REPORT_TRANSACTION_REFUSED(6001, 500, "the FHIR server refused the report transaction"),
  REPORT_FHIR_UNREACHABLE(6002, 500, "the FHIR server cannot be reached to write the report"),
  REPORT_ANSWER_INCOMPLETE(6003, 500, "the transaction answer names no DiagnosticReport"),
  REPORT_READ_REFUSED(
      6004, 500, "the FHIR server answered an HTTP error while the report was read"),
  REPORT_RETRIES_EXHAUSTED(
      6005, 500, "the FHIR server kept answering an HTTP error to the transaction"),
  REPORT_INTERRUPTED(6006, 500, "interrupted while writing the report"),
  REPORT_RETRY_SETTINGS(6007, 500, "report.retry.* settings are out of range"),
  PROFILE_FOLDER(6100, 500, "the profile folder is unreadable or has no StructureDefinition"),
  PROFILE_NOT_STRUCTURE_DEFINITION(
      6101, 500, "a profile file is not a FHIR R4 StructureDefinition"),
  PROFILE_SNAPSHOT(6102, 500, "no complete snapshot could be generated for a profile"),
  PROFILE_VIOLATION(6103, 500, "a resource does not conform to the profile it claims"),
  REPORT_FORM_PDF(6200, 500, "the report form could not be rendered as PDF/A"),
  REPORT_FORM_RESOURCE(
      6201, 500, "a part of the report form (stylesheet, font, colour profile) is missing"),
  REPORT_IMAGE_ENCODING(6202, 500, "the key image could not be encoded as PNG"),
  MODEL_DRIFT_ALARM(
      6300, 500, "drift alarm: the model's probabilities or its clinicians' agreement drifted"),
  MODEL_OWNER_UNKNOWN_MODEL(6301, 404, "no model with that id is served or was monitored"),
  MODEL_REFERENCE_UNREADABLE(
      6302, 500, "the evaluation cohort's reference distribution is unreadable or invalid"),
  MODEL_REFERENCE_MISMATCH(
      6303, 500, "the reference distribution was made for another model version"),
  MODEL_MONITOR_RECORD_SKIPPED(6304, 500, "a stored card or feedback line could not be read"),
  REPORT_MODEL_CARD_UNREADABLE(
      6400, 500, "the model card file could not be read for its FHIR DocumentReference"),
  REVIEW_REPORT_NOT_FOUND(
      6401, 502, "the report a clinician's feedback reviews is not on the FHIR server"),
  REVIEW_WRITE_FAILED(
      6402, 502, "the FHIR server refused or did not take the review Provenance of a feedback"),
  REVIEW_SERVER_REFUSED(
      6403, 500, "the report a feedback reviews lies on a FHIR server off the allowlist"),
  MISSING_TOKEN(7001, 401, "no bearer token"),
  MALFORMED_TOKEN(7002, 401, "token is not a compact JWS JWT"),
  ALGORITHM_REFUSED(7003, 401, "token algorithm or key header not accepted"),
  UNTRUSTED_ISSUER(7004, 401, "token issuer not trusted"),
  UNKNOWN_KEY(7005, 401, "token key not found"),
  JKU_REFUSED(7006, 401, "token key set URL not allowed"),
  BAD_SIGNATURE(7007, 401, "token signature not valid"),
  WRONG_AUDIENCE(7008, 401, "token audience not accepted"),
  TOKEN_EXPIRED(7009, 401, "token expired"),
  TOKEN_NOT_YET_VALID(7010, 401, "token not yet valid"),
  TOKEN_REPLAYED(7011, 401, "token already used"),
  MISSING_CLAIM(7012, 401, "token lacks a required claim"),
  TENANT_REFUSED(7013, 401, "token tenant not accepted"),
  KEYS_UNAVAILABLE(7014, 503, "issuer keys unavailable"),
  LIFETIME_TOO_LONG(7015, 401, "token lifetime too long"),
  REPLAY_CACHE_FULL(7016, 503, "replay cache full"),
  NOT_ACCESS_TOKEN(7017, 401, "token is not an access token"),
  ROLE_MISSING(7021, 403, "the caller lacks the role this resource needs"),
  SECURITY_MODE_INVALID(7022, 500, "security.mode must be production or dev"),
  INSECURE_NEEDS_DEV(7023, 500, "security.insecure-unsigned-hooks needs security.mode=dev"),
  INSECURE_UNSIGNED_HOOKS(7024, 500, "INSECURE: CDS Hooks calls are accepted without a signed JWT"),
  NO_TRUSTED_HOOK_ISSUER(7025, 500, "no trusted CDS Hooks issuer is configured"),
  ISSUER_WITHOUT_JWKS(7026, 500, "a trusted issuer has no jwks-url"),
  ALLOWLIST_EMPTY(7027, 500, "an outbound allowlist is empty"),
  JWKS_NOT_HTTPS(
      7028, 500, "a JWKS URL or an allowed jku is not https in security.mode=production"),
  SANDBOX_EHR(7029, 500, "the sandbox EHR cannot listen, sign or make a key"),
  ALLOWED_BASE_UNUSABLE(7030, 400, "an allowed base URL is unusable"),
  URL_NOT_ALLOWED(7031, 400, "a URL is not under any allowed base URL"),
  URL_SCHEME_REFUSED(7032, 400, "a URL uses a scheme that is not allowed"),
  URL_IP_LITERAL(7033, 400, "a URL names an IP address, not a host name"),
  URL_LOCAL_ADDRESS(7034, 400, "a URL names this machine or a non-public address"),
  URL_INVALID(7035, 400, "a URL is missing or malformed"),
  URL_UNRESOLVED(7036, 400, "a URL's host does not resolve"),
  HTTP_BODY_TOO_LARGE(7040, 413, "the request body is larger than the server accepts"),
  HTTP_BODY_TOO_SLOW(7041, 408, "the request body did not arrive in time"),
  HTTP_EDGE_SETTING_INVALID(7042, 500, "an edge.* setting is not a positive number"),
  HTTP_REQUEST_LINE_TOO_LONG(7043, 414, "the request line is longer than the server accepts"),
  HTTP_HEADERS_TOO_LARGE(7044, 431, "the request's header block is larger than the server accepts"),
  HTTP_REQUEST_UNREADABLE(7045, 400, "the request is not HTTP/1.x the server can read"),
  TOKEN_ENDPOINT_UNREACHABLE(7051, 500, "the token endpoint cannot be reached"),
  TOKEN_ENDPOINT_REFUSED(7052, 500, "the token endpoint refused the client"),
  TOKEN_ANSWER_MALFORMED(7053, 500, "the token endpoint's answer is malformed"),
  HOOK_AUTHORIZATION_EXPIRED(7054, 412, "the hook's fhirAuthorization expired"),
  CLIENT_ASSERTION(7055, 500, "the private_key_jwt client assertion cannot be signed"),
  OUTBOUND_AUTH_INVALID(
      7060, 500, "security.outbound.auth must be none, client-secret or private-key-jwt"),
  OUTBOUND_SETTING_MISSING(7061, 500, "a security.outbound setting is not set"),
  OUTBOUND_KEY_INVALID(7062, 500, "the outbound key file holds no readable private JWK"),
  AUDIT_EVENT_ID(7070, 500, "an AuditEvent without a usable id"),
  AUDIT_NOT_SPOOLED(7071, 500, "an AuditEvent cannot be kept in the spool"),
  AUDIT_QUARANTINED(7072, 500, "a spooled AuditEvent is unreadable and quarantined"),
  AUDIT_BATCH_REFUSED(7073, 500, "an audit batch not accepted by the audit repository"),
  AUDIT_SPOOL_FOLDER(7074, 500, "the audit spool folder is unusable"),
  AUDIT_TORN_TAIL(7075, 500, "a torn last audit journal record was dropped after a crash"),
  AUDIT_NOT_REST_READ(7076, 500, "not a FHIR read or search"),
  AUDIT_JOURNAL_SETTINGS(7077, 500, "an audit.journal setting is out of range"),
  AUDIT_SHIPPER_SETTINGS(7078, 500, "an audit shipping setting is out of range"),
  AUDIT_NO_REPOSITORY(7080, 500, "no audit repository configured"),
  COMPLIANCE_BASE_INVALID(7090, 500, "the compliance query's FHIR base is not an http(s) URL"),
  COMPLIANCE_PARAMETER(7091, 400, "a compliance query parameter is invalid"),
  COMPLIANCE_FHIR_FAILED(7092, 500, "the FHIR server failed a compliance query request"),
  COMPLIANCE_TOO_MANY(7093, 500, "more AI reports match than the query returns"),
  COMPLIANCE_OUTPUT(7094, 500, "the compliance output cannot be written"),
  COMPLIANCE_NO_FHIR(7095, 500, "no FHIR server to query: fhir.base-url is not set"),
  COMPLIANCE_FORMAT(7096, 400, "the compliance format must be json or csv"),
  CLI_INVALID_COMMAND(8001, 500, "invalid command line"),
  SANDBOX_FHIR_NOT_STARTED(8002, 500, "the sandbox FHIR server did not start"),
  CLI_OUT_OF_MEMORY(8003, 500, "out of memory"),
  CLI_STACK_OVERFLOW(8004, 500, "input nested too deeply"),
  SANDBOX_PORT_OUT_OF_RANGE(8005, 500, "a sandbox port out of range"),
  CLI_UNEXPECTED(8009, 500, "unexpected error in a command"),
  CLI_OUTPUT(8010, 500, "a command cannot write its output"),
  DICOMWEB_ROOT_NOT_FOLDER(8020, 500, "the DICOMweb sandbox root is not a folder"),
  DICOMWEB_ROOT_UNREADABLE(8021, 500, "the DICOMweb sandbox root cannot be listed"),
  DICOMWEB_SANDBOX_PORT(8022, 500, "the DICOMweb sandbox cannot listen on its port"),
  NO_SUCH_STUDY(8030, 404, "no such study"),
  NO_SUCH_SERIES(8031, 404, "no such series"),
  NO_SUCH_INSTANCE(8032, 404, "no such instance"),
  NO_SUCH_FRAME(8033, 404, "no such frame"),
  NO_PIXEL_DATA(8034, 404, "the instance has no pixel data"),
  NO_SUCH_RESOURCE(8035, 404, "no such DICOMweb resource"),
  QIDO_UID_INVALID(8040, 400, "a malformed UID"),
  QIDO_KEY_INVALID(8041, 400, "a query key that is not supported"),
  QIDO_VALUE_INVALID(8042, 400, "a malformed query value"),
  FRAME_LIST_INVALID(8043, 400, "a malformed frame list"),
  NOT_ACCEPTABLE(8045, 406, "no acceptable media type or transfer syntax"),
  SANDBOX_UNAUTHORIZED(8047, 401, "the Authorization header was refused"),
  METHOD_NOT_ALLOWED(8048, 405, "only GET is served"),
  SANDBOX_INTERNAL(8049, 500, "internal error of the DICOMweb sandbox"),
  NO_FREE_PORT(8050, 500, "no free loopback port"),
  DEMO_HOOK_FAILED(8060, 500, "the demo hook call failed"),
  SANDBOX_KAFKA_MISSING(8070, 500, "the Kafka broker's classpath is missing"),
  SANDBOX_KAFKA_NOT_STARTED(8071, 500, "the sandbox Kafka broker did not start"),
  COHORT_SIZE(8101, 500, "the number of patients is out of range"),
  COHORT_OUTPUT_FOLDER(8102, 500, "the cohort output folder is unusable"),
  COHORT_OUTPUT_NOT_EMPTY(8103, 500, "the cohort output folder is not empty"),
  COHORT_WRITE(8104, 500, "a cohort file cannot be written"),
  DEMO_WORKER_FAILED(8110, 500, "a demo worker process did not start or join"),
  DEMO_JOBS_UNFINISHED(8111, 500, "the demo's evaluation jobs did not all finish in time"),
  EVAL_LABEL(8500, 500, "a label is not 0 or 1"),
  EVAL_SCORE(8501, 500, "a score is not a probability in [0, 1]"),
  EVAL_DUPLICATE_PATIENT(8502, 500, "a patient evaluated twice"),
  EVAL_EMPTY(8503, 500, "nothing to evaluate"),
  EVAL_SETTING(8504, 500, "an invalid evaluation setting"),
  EVAL_NO_PRIMARY(8505, 500, "no patient has a score from the primary variant"),
  EVAL_WRITE(8506, 500, "the evaluation cannot be written"),
  EVAL_MODEL(8507, 500, "a model card has no trainingPrevalence"),
  EVAL_SEED_USED_IN_TRAINING(
      8600, 400, "an evaluation seed is one the model's training or validation cohort used"),
  EVAL_SEEDS_INVALID(8601, 400, "the seeds are neither a count nor a comma-separated list"),
  COHORT_SHIFT_UNKNOWN(8602, 400, "unknown out-of-distribution kind for the cohort"),
  APP_NOT_STARTED(9001, 500, "the application did not start"),
  FEEDBACK_FOLDER(9010, 500, "the feedback folder is unusable"),
  DEAD_LETTER_FOLDER(
      9011, 500, "the dead-letter folder is unusable, or a dead letter could not be written to it"),
  DEAD_LETTER_UNREADABLE(9012, 500, "the dead-letter file is unreadable"),
  RECALL_FEED_SETTINGS(9020, 500, "a cds.recall.feed setting is out of range");

  private static final Map<Integer, ErrorCode> BY_NUMBER =
      Arrays.stream(values()).collect(Collectors.toMap(ErrorCode::code, Function.identity()));

  private final int code;
  private final int httpStatus;
  private final String meaning;

  ErrorCode(int code, int httpStatus, String meaning) {
    this.code = code;
    this.httpStatus = httpStatus;
    this.meaning = meaning;
  }

  /** The number, for example 2003. */
  public int code() {
    return code;
  }

  /** The code as printed, for example {@code FCDS-2003}. */
  public String codeText() {
    return "FCDS-" + code;
  }

  /** The HTTP status answered when this error reaches a caller (500: not the caller's to fix). */
  public int httpStatus() {
    return httpStatus;
  }

  /** What the code means, a fixed text; a thrown message adds what happened and the value. */
  public String meaning() {
    return meaning;
  }

  /** {@code FCDS-NNNN: } followed by {@code text}, the form of every coded message and log line. */
  public String format(String text) {
    return codeText() + ": " + text;
  }

  /** The constant of that number, or null. */
  public static ErrorCode of(int code) {
    return BY_NUMBER.get(code);
  }

  /** Every code as a Markdown table (code, HTTP status, meaning), in enum order. */
  public static String markdownTable() {
    StringBuilder s = new StringBuilder("| Code | HTTP | Name | Meaning |\n|---|---|---|---|\n");
    for (ErrorCode c : values()) {
      s.append("| ")
          .append(c.codeText())
          .append(" | ")
          .append(c.httpStatus)
          .append(" | `")
          .append(c.name())
          .append("` | ")
          .append(c.meaning.replace("|", "\\|"))
          .append(" |\n");
    }
    return s.toString();
  }

  /** Prints {@link #markdownTable()} (for docs/ARCHITECTURE.md). */
  public static void main(String[] args) {
    System.out.print(markdownTable());
  }
}
