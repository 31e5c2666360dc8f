import { afterAll, beforeAll } from 'vitest';
import { FakeArxiv } from '../fakes/arxiv/fake-arxiv.ts';
import { FakeHf } from '../fakes/hf/fake-hf.ts';

/** A fake HF server and a fake arXiv server for a test file: started before its tests, closed after. */
export function useFakeSources(): { hfFake: FakeHf; arxivFake: FakeArxiv } {
  const hfFake = new FakeHf();
  const arxivFake = new FakeArxiv();
  beforeAll(async () => {
    await hfFake.start();
    await arxivFake.start();
  });
  afterAll(async () => {
    await hfFake.close();
    await arxivFake.close();
  });
  return { hfFake, arxivFake };
}
