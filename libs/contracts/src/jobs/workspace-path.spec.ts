import { workspacePathProblem } from './workspace-path';

describe('workspacePathProblem', () => {
  it('accepts relative paths that stay inside, directories and dotted names included', () => {
    for (const path of ['run-tests.sh', 'src/app.ts', 'reports/', './a/b', 'a/..b/c..', '.hidden/x', 'ünïcode/文件.txt']) {
      expect(workspacePathProblem(path)).toBeNull();
    }
  });

  it('refuses a parent segment anywhere in the path', () => {
    for (const path of ['../evil', 'a/../../evil', 'a/..', '..']) expect(workspacePathProblem(path)).toBe('parent_segment');
  });

  it('refuses absolute paths and drive letters', () => {
    expect(workspacePathProblem('/etc/passwd')).toBe('absolute');
    expect(workspacePathProblem('C:/Windows/x')).toBe('drive_letter');
    expect(workspacePathProblem('c:x')).toBe('drive_letter');
  });

  it('refuses backslashes rather than guessing they separate', () => {
    expect(workspacePathProblem('a\\..\\..\\evil')).toBe('backslash');
    expect(workspacePathProblem('\\\\server\\share')).toBe('backslash');
  });

  it('refuses NUL and other control characters, an empty name and an overlong one', () => {
    expect(workspacePathProblem('a\u0000/../../evil')).toBe('control_character');
    expect(workspacePathProblem('line\nbreak')).toBe('control_character');
    expect(workspacePathProblem('')).toBe('empty');
    expect(workspacePathProblem('a/'.repeat(600))).toBe('too_long');
  });
});
