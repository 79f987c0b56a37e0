package dev.runwire.bench;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.runwire.bench.ResultTable.Verdict;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ResultTableTest {

  @Test
  void aRowShowsMedianMinMaxAndWhetherTheTargetWasMet() {
    ResultTable table = new ResultTable();
    table.add(
        "1",
        "wall ÷ critical path",
        Stats.of(1.02, 1.04, 1.01),
        ResultTable::ratio,
        "≤ 1.05",
        Verdict.MET);
    table.addValue("2", "second apply", "8 / 0 / 0", "0 mutations", Verdict.MISSED);

    String md = table.markdown();

    assertTrue(
        md.contains("| 1 | wall ÷ critical path | 1.020 | 1.010 | 1.040 | 3 | ≤ 1.05 | met |"), md);
    assertTrue(
        md.contains("| 2 | second apply | 8 / 0 / 0 |  |  | 1 | 0 mutations | **missed** |"), md);
  }

  @Test
  void theResultsFileNamesTheDurationsAndCarriesTheNotes() {
    ResultTable table = new ResultTable();
    table.addMissing("3", "drift-check scaling", "failed: no Run API");
    table.note("a note");

    String md = BenchMain.render(table, Duration.ofSeconds(42), false, "1.0 → 2.0");

    assertTrue(md.contains("Redis create (redis.create) 5 min → 3000 ms"), md);
    assertTrue(md.contains("| 3 | drift-check scaling | n/a |"), md);
    assertTrue(md.contains("- a note"), md);
    assertTrue(md.contains("load average 1.0 → 2.0"), md);
  }
}
