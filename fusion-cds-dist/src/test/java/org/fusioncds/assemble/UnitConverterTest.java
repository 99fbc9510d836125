package org.fusioncds.assemble;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class UnitConverterTest {

  private final UnitConverter units = new UnitConverter();

  @Test
  void convertsMassConcentrationThroughUcum() {
    assertEquals(52.0, units.convert(5.2, "mg/dL", "mg/L").orElseThrow(), 1e-12);
  }

  @Test
  void treatsCountPerLitreAndPerMicrolitreAlike() {
    assertEquals(11.3, units.convert(11.3, "10*9/L", "10*3/uL").orElseThrow(), 1e-12);
  }

  @Test
  void convertsMicrogramsPerLitreToNanogramsPerMillilitre() {
    assertEquals(0.8, units.convert(0.8, "ug/L", "ng/mL").orElseThrow(), 1e-12);
  }

  @Test
  void convertsFahrenheitWithItsOffsetWhichUcumJavaRefuses() {
    assertEquals(38.5, units.convert(101.3, "[degF]", "Cel").orElseThrow(), 1e-9);
    assertEquals(98.6, units.convert(37.0, "Cel", "[degF]").orElseThrow(), 1e-9);
  }

  @Test
  void refusesIncompatibleUnits() {
    assertTrue(units.convert(1.0, "mmol/L", "mg/L").isEmpty());
    assertTrue(units.convert(1.0, "Cel", "mg/L").isEmpty());
    assertTrue(units.convert(1.0, "not a unit", "mg/L").isEmpty());
  }
}
