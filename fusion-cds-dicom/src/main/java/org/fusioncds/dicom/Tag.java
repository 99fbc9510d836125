package org.fusioncds.dicom;

import org.fusioncds.error.ErrorCode;

/**
 * Tags (group &lt;&lt; 16 | element) used by our code, named by their PS3.6 keywords, and the
 * formatting of tags for messages and DICOM JSON.
 */
public final class Tag {

  private Tag() {}

  public static final int FileMetaInformationGroupLength = 0x00020000;
  public static final int MediaStorageSOPClassUID = 0x00020002;
  public static final int MediaStorageSOPInstanceUID = 0x00020003;
  public static final int TransferSyntaxUID = 0x00020010;
  public static final int ImplementationClassUID = 0x00020012;
  public static final int ImplementationVersionName = 0x00020013;
  public static final int SpecificCharacterSet = 0x00080005;
  public static final int ImageType = 0x00080008;
  public static final int SOPClassUID = 0x00080016;
  public static final int SOPInstanceUID = 0x00080018;
  public static final int StudyDate = 0x00080020;
  public static final int SeriesDate = 0x00080021;
  public static final int ContentDate = 0x00080023;
  public static final int AcquisitionDateTime = 0x0008002A;
  public static final int StudyTime = 0x00080030;
  public static final int SeriesTime = 0x00080031;
  public static final int ContentTime = 0x00080033;
  public static final int AccessionNumber = 0x00080050;
  public static final int Modality = 0x00080060;
  public static final int Manufacturer = 0x00080070;
  public static final int StudyDescription = 0x00081030;
  public static final int SeriesDescription = 0x0008103E;
  public static final int PatientName = 0x00100010;
  public static final int PatientID = 0x00100020;
  public static final int PatientBirthDate = 0x00100030;
  public static final int PatientSex = 0x00100040;
  public static final int PatientAge = 0x00101010;
  public static final int BodyPartExamined = 0x00180015;
  public static final int SliceThickness = 0x00180050;
  public static final int SpacingBetweenSlices = 0x00180088;
  public static final int ViewPosition = 0x00185101;
  public static final int StudyInstanceUID = 0x0020000D;
  public static final int SeriesInstanceUID = 0x0020000E;
  public static final int StudyID = 0x00200010;
  public static final int SeriesNumber = 0x00200011;
  public static final int InstanceNumber = 0x00200013;
  public static final int PatientOrientation = 0x00200020;
  public static final int ImagePositionPatient = 0x00200032;
  public static final int ImageOrientationPatient = 0x00200037;
  public static final int FrameOfReferenceUID = 0x00200052;
  public static final int SharedFunctionalGroupsSequence = 0x52009229;
  public static final int PerFrameFunctionalGroupsSequence = 0x52009230;
  public static final int PlanePositionSequence = 0x00209113;
  public static final int PlaneOrientationSequence = 0x00209116;
  public static final int PixelMeasuresSequence = 0x00289110;
  public static final int PixelValueTransformationSequence = 0x00289145;
  public static final int FrameVOILUTSequence = 0x00289132;
  public static final int SamplesPerPixel = 0x00280002;
  public static final int PhotometricInterpretation = 0x00280004;
  public static final int PlanarConfiguration = 0x00280006;
  public static final int NumberOfFrames = 0x00280008;
  public static final int Rows = 0x00280010;
  public static final int Columns = 0x00280011;
  public static final int PixelSpacing = 0x00280030;
  public static final int BitsAllocated = 0x00280100;
  public static final int BitsStored = 0x00280101;
  public static final int HighBit = 0x00280102;
  public static final int PixelRepresentation = 0x00280103;
  public static final int WindowCenter = 0x00281050;
  public static final int WindowWidth = 0x00281051;
  public static final int RescaleIntercept = 0x00281052;
  public static final int RescaleSlope = 0x00281053;
  public static final int RescaleType = 0x00281054;
  public static final int RedPaletteColorLookupTableDescriptor = 0x00281101;
  public static final int GreenPaletteColorLookupTableDescriptor = 0x00281102;
  public static final int BluePaletteColorLookupTableDescriptor = 0x00281103;
  public static final int RedPaletteColorLookupTableData = 0x00281201;
  public static final int GreenPaletteColorLookupTableData = 0x00281202;
  public static final int BluePaletteColorLookupTableData = 0x00281203;
  public static final int LossyImageCompression = 0x00282110;
  public static final int ExtendedOffsetTable = 0x7FE00001;
  public static final int ExtendedOffsetTableLengths = 0x7FE00002;
  public static final int FloatPixelData = 0x7FE00008;
  public static final int DoubleFloatPixelData = 0x7FE00009;
  public static final int PixelData = 0x7FE00010;
  public static final int Item = 0xFFFEE000;
  public static final int ItemDelimitationItem = 0xFFFEE00D;
  public static final int SequenceDelimitationItem = 0xFFFEE0DD;

  public static int group(int tag) {
    return tag >>> 16;
  }

  public static int element(int tag) {
    return tag & 0xFFFF;
  }

  public static boolean isPrivate(int tag) {
    return (group(tag) & 1) == 1;
  }

  /** {@code (0028,0010)}: the form used in messages, as DCMTK prints it. */
  public static String toString(int tag) {
    return String.format("(%04X,%04X)", group(tag), element(tag));
  }

  /** {@code 00280010}: the form used as key in DICOM JSON (PS3.18 F.2.1.1). */
  public static String toHex(int tag) {
    return String.format("%08X", tag);
  }

  /** Parses the 8-hex-digit JSON form; throws a coded error for anything else. */
  public static int parseHex(String hex) {
    if (hex.length() != 8) {
      throw new DicomException(
          ErrorCode.JSON_KEY_INVALID, "DICOM JSON key is not 8 hex digits — '" + hex + "'");
    }
    try {
      return (int) Long.parseLong(hex, 16);
    } catch (NumberFormatException e) {
      throw new DicomException(
          ErrorCode.JSON_KEY_INVALID, "DICOM JSON key is not 8 hex digits — '" + hex + "'");
    }
  }
}
