DIRTY_ROWS = []
def write_exports(frames, outdir): raise NotImplementedError
