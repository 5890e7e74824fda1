import { artifactContentDisposition, artifactContentType } from './artifact-download-headers';

describe('artifactContentType', () => {
  it('names xml, json and text by their extension, whatever the case', () => {
    expect(artifactContentType('reports/junit.xml')).toBe('application/xml');
    expect(artifactContentType('coverage/summary.JSON')).toBe('application/json');
    expect(artifactContentType('out.txt')).toBe('text/plain; charset=utf-8');
    expect(artifactContentType('build.log')).toBe('text/plain; charset=utf-8');
  });

  it('calls anything else bytes, a dotfile and a dotted directory included', () => {
    expect(artifactContentType('dist/app.tar.gz')).toBe('application/octet-stream');
    expect(artifactContentType('.json')).toBe('application/octet-stream');
    expect(artifactContentType('reports.xml/result')).toBe('application/octet-stream');
    expect(artifactContentType('page.html')).toBe('application/octet-stream');
  });
});

describe('artifactContentDisposition', () => {
  it('saves the file under its own name', () => {
    expect(artifactContentDisposition('reports/junit.xml')).toBe(`attachment; filename="junit.xml"; filename*=UTF-8''junit.xml`);
  });

  it('keeps the plain name to safe ASCII and the exact one encoded', () => {
    expect(artifactContentDisposition('out/résumé "final".txt')).toBe(
      `attachment; filename="r_sum_ _final_.txt"; filename*=UTF-8''r%C3%A9sum%C3%A9%20%22final%22.txt`,
    );
  });
});
