/**
 * The JUnit summary of the test Job: when the Application names a report, the
 * `test` step's termination message gets its counts and failing cases after
 * the step's own line. Constants, like the other scripts: the report path
 * reaches them as an environment variable.
 */
import { TERMINATION_MESSAGE_PATH } from './test-job-scripts.js';

/**
 * Summarises a JUnit XML report in POSIX awk (any image with /bin/sh has
 * it): one line `junit total=N failed=N skipped=N`, then up to 10 lines
 * `junit-failure <classname>.<name>` for test cases with a `<failure>` or
 * `<error>`. Names are cut to 200 characters so the whole summary stays far
 * below the 4096-byte termination message limit.
 */
export const JUNIT_AWK = String.raw`
function attr(tag, key,   v) {
  if (match(tag, "[ \t\r\n]" key "=\"[^\"]*\"")) { v = substr(tag, RSTART + length(key) + 3, RLENGTH - length(key) - 4); return v }
  return ""
}
{ doc = doc $0 "\n" }
END {
  total = 0; failed = 0; skipped = 0; shown = 0; out = ""
  s = doc
  while (match(s, /<testcase[ \t\r\n\/>]/)) {
    s = substr(s, RSTART)
    e = index(s, ">")
    if (e == 0) break
    tag = substr(s, 1, e)
    body = ""
    if (substr(tag, e - 1, 1) != "/") {
      c = index(s, "</testcase>")
      body = c == 0 ? substr(s, e + 1) : substr(s, e + 1, c - e - 1)
    }
    total++
    if (body ~ /<(failure|error)[ \t\r\n\/>]/) {
      failed++
      if (shown < 10) {
        n = attr(tag, "name"); k = attr(tag, "classname")
        if (k != "") n = k "." n
        out = out "junit-failure " substr(n, 1, 200) "\n"
        shown++
      }
    } else if (body ~ /<skipped[ \t\r\n\/>]/) skipped++
    s = substr(s, e + 1)
  }
  printf "junit total=%d failed=%d skipped=%d\n%s", total, failed, skipped, out
}`;

/**
 * The test container's command when a JUnit report is named: runs the step script
 * (`$SLUICE_STEP_SCRIPT`, fail-fast, its own exit code and summary line),
 * then appends the JUnit summary of `$SLUICE_JUNIT_REPORT` (relative to the
 * checkout) to the termination message whether the tests passed or not, and
 * exits with the step's code. A missing report is said so, not invented.
 */
export const TEST_WRAPPER_SCRIPT = [
  'code=0',
  '/bin/sh -c "$SLUICE_STEP_SCRIPT" "$0" "$@" || code=$?',
  'if [ -n "${SLUICE_JUNIT_REPORT:-}" ]; then',
  '  if [ -f "$SLUICE_JUNIT_REPORT" ]; then',
  `    awk "$SLUICE_JUNIT_AWK" "$SLUICE_JUNIT_REPORT" >> ${TERMINATION_MESSAGE_PATH} || true`,
  '  else',
  `    printf 'junit missing\\n' >> ${TERMINATION_MESSAGE_PATH}`,
  '  fi',
  'fi',
  'exit "$code"',
].join('\n');
