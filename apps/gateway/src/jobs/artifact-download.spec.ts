import { artifactContentDisposition, artifactPathOnJobsService, checkArtifactPath } from './artifact-download';

describe('artifactPathOnJobsService', () => {
  it('keeps the path from /artifacts/ on, with the query and signature', () => {
    const url = 'http://jobs.lab:8083/artifacts/7b3c?path=reports%2Fjunit.xml&expires=1790000000&sig=abc_-';
    expect(artifactPathOnJobsService(url)).toBe('/artifacts/7b3c?path=reports%2Fjunit.xml&expires=1790000000&sig=abc_-');
  });

  it('drops a prefix of the public URL (a proxy in front of the jobs service)', () => {
    expect(artifactPathOnJobsService('https://lab.example.com/ci/artifacts/7b3c?path=a&expires=1&sig=s')).toBe('/artifacts/7b3c?path=a&expires=1&sig=s');
  });

  it('refuses a link that is not an artifact link', () => {
    expect(() => artifactPathOnJobsService('http://jobs/workspaces/7b3c/1?expires=1&sig=s')).toThrow('artifact link');
  });
});

describe('artifactContentDisposition', () => {
  it('names the file by the last segment of its path', () => {
    expect(artifactContentDisposition('reports/junit.xml')).toBe(`attachment; filename="junit.xml"; filename*=UTF-8''junit.xml`);
  });

  it('keeps quotes and non-ASCII out of the plain filename', () => {
    expect(artifactContentDisposition('out/ré"sumé.txt')).toBe(`attachment; filename="r__sum_.txt"; filename*=UTF-8''r%C3%A9%22sum%C3%A9.txt`);
  });
});

describe('checkArtifactPath', () => {
  it('takes a path of 1 to 256 characters, and names path otherwise', () => {
    expect(checkArtifactPath('reports/junit.xml')).toBe('reports/junit.xml');
    for (const bad of [undefined, '', 'x'.repeat(257)]) expect(() => checkArtifactPath(bad)).toThrow('the artifact path must be 1 to 256 characters');
  });
});
