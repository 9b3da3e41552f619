/** Problems found in a configuration file, each pinned to file, line and field. */
export interface ConfigIssue {
  file: string;
  line: number;
  field: string;
  message: string;
}

export function formatIssue(issue: ConfigIssue): string {
  return `${issue.file}:${issue.line}: ${issue.field}: ${issue.message}`;
}
