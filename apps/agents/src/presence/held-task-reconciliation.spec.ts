import { CommonErrorCode, ProctorError } from '@proctor/contracts';
import { reconcileHeldTasks } from './held-task-reconciliation';

describe('reconcileHeldTasks', () => {
  const a = { task_id: '0b6f1c2e-6c0e-4e53-9d5e-1f7b0b8b9a11', attempt: 1 };
  const b = { task_id: '1c7a2d3f-7d1f-4f64-8e6f-2a8c1c9cab22', attempt: 3 };

  it('does not call when nothing is held', async () => {
    const call = jest.fn();
    await expect(reconcileHeldTasks([], call)).resolves.toEqual({ keep: [], drop: [] });
    expect(call).not.toHaveBeenCalled();
  });

  it('answers what the exercises service decides', async () => {
    await expect(reconcileHeldTasks([a, b], async () => ({ keep: [a], drop: [b] }))).resolves.toEqual({ keep: [a], drop: [b] });
  });

  it.each([CommonErrorCode.DeadlineExceeded, CommonErrorCode.ServiceUnavailable, CommonErrorCode.Internal])(
    'keeps everything held when the call fails with %s',
    async (code) => {
      const result = await reconcileHeldTasks([a, b], () => Promise.reject(new ProctorError(code, 'no')));
      expect(result).toEqual({ keep: [a, b], drop: [], fallback: code });
    },
  );
});
