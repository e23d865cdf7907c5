import { memoryClientStore, memoryTokenStore } from '../../adapters/memory';

describe('the memory stores in production', () => {
  const env = process.env.NODE_ENV;
  afterEach(() => { process.env.NODE_ENV = env; });

  it('warn once per process when NODE_ENV=production, and not otherwise', () => {
    const warn = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    try {
      memoryTokenStore();
      expect(warn).not.toHaveBeenCalled();
      process.env.NODE_ENV = 'production';
      memoryTokenStore();
      memoryClientStore();
      expect(warn).toHaveBeenCalledTimes(1);
      expect(warn.mock.calls[0]![0]).toContain('memory store');
    } finally {
      warn.mockRestore();
    }
  });
});
