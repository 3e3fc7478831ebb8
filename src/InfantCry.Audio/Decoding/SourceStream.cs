namespace InfantCry.Audio.Decoding;

/// <summary>
/// The caller's stream as the decoders see it: positions count from where the caller's stream stood when it was
/// opened, bytes peeked for format sniffing on a non-seekable stream are replayed, and a failure of the caller's
/// stream is remembered so that it can escape as the <see cref="IOException"/> it was rather than as damaged audio.
/// </summary>
/// <remarks>Not thread-safe; owned by one <see cref="AudioReader"/>.</remarks>
internal sealed class SourceStream : Stream
{
    private readonly Stream _inner;
    private readonly bool _leaveOpen;
    private readonly long _origin;
    private readonly bool _canSeek;
    private byte[] _replay = [];
    private int _replayOffset;
    private long _position;
    private byte[] _capture = [];
    private long _captureStart;
    private int _captured;

    public SourceStream(Stream inner, bool leaveOpen)
    {
        _inner = inner;
        _leaveOpen = leaveOpen;
        _canSeek = inner.CanSeek;
        _origin = _canSeek ? inner.Position : 0;
    }

    /// <summary>The first exception the caller's stream threw, or null.</summary>
    public Exception? Failure { get; private set; }

    /// <summary>Bytes handed to the decoders so far (a replayed byte counts once each time it is read).</summary>
    public long BytesRead { get; private set; }

    /// <summary>
    /// Hides seeking from a decoder that keeps per-frame state for the whole file when it may seek (NLayer indexes
    /// every MPEG frame of a seekable stream); the wrapper then behaves as a forward-only stream.
    /// </summary>
    public bool ForwardOnly { get; set; }

    /// <summary>The bytes of the window set by <see cref="CaptureFrom"/> that were read so far.</summary>
    public ReadOnlySpan<byte> Captured => _capture.AsSpan(0, _captured);

    /// <summary>Keeps a copy of the next <paramref name="length"/> bytes read from <paramref name="start"/> on (for headers a decoder consumes).</summary>
    public void CaptureFrom(long start, int length)
    {
        _capture = new byte[length];
        _captureStart = start;
        _captured = 0;
    }

    /// <summary>Skips up to <paramref name="count"/> bytes; returns how many there were.</summary>
    public long Skip(long count)
    {
        if (CanSeek)
        {
            long skip = Math.Min(count, Length - Position);
            Seek(skip, SeekOrigin.Current);
            return skip;
        }

        Span<byte> scratch = stackalloc byte[512];
        long left = count;
        int read;
        while (left > 0 && (read = Read(scratch[..(int)Math.Min(left, scratch.Length)])) > 0)
        {
            left -= read;
        }

        return count - left;
    }

    /// <summary>For a forward-only view: the current position becomes position 0 (the decoder's data starts here).</summary>
    public void RestartPositions()
    {
        if (CanSeek)
        {
            throw new InvalidOperationException("Only a forward-only view can restart its positions.");
        }

        _position = 0;
    }

    public override bool CanRead => true;

    public override bool CanSeek => _canSeek && !ForwardOnly;

    public override bool CanWrite => false;

    public override long Length
    {
        get
        {
            if (!CanSeek)
            {
                throw new NotSupportedException("The stream is forward-only.");
            }

            try
            {
                return _inner.Length - _origin;
            }
            catch (Exception ex) when (Remember(ex))
            {
                throw;
            }
        }
    }

    public override long Position
    {
        get
        {
            if (!CanSeek)
            {
                return _position;
            }

            try
            {
                return _inner.Position - _origin;
            }
            catch (Exception ex) when (Remember(ex))
            {
                throw;
            }
        }

        set => Seek(value, SeekOrigin.Begin);
    }

    /// <summary>Reads up to <paramref name="buffer"/>.Length bytes from the start without consuming them.</summary>
    public int Peek(Span<byte> buffer)
    {
        int filled = 0;
        int read;
        while (filled < buffer.Length && (read = ReadInner(buffer[filled..])) > 0)
        {
            filled += read;
        }

        if (_canSeek)
        {
            SeekInner(_origin);
        }
        else
        {
            _replay = buffer[..filled].ToArray();
            _replayOffset = 0;
        }

        return filled;
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        int n;
        if (_replayOffset < _replay.Length)
        {
            n = Math.Min(buffer.Length, _replay.Length - _replayOffset);
            _replay.AsSpan(_replayOffset, n).CopyTo(buffer);
            _replayOffset += n;
        }
        else
        {
            n = ReadInner(buffer);
        }

        if (_captured < _capture.Length && n > 0)
        {
            Capture(buffer[..n]);
        }

        _position += n;
        BytesRead += n;
        return n;
    }

    public override int ReadByte()
    {
        Span<byte> one = stackalloc byte[1];
        return Read(one) == 1 ? one[0] : -1;
    }

    public override long Seek(long offset, SeekOrigin origin)
    {
        if (!CanSeek)
        {
            throw new NotSupportedException("The stream is forward-only.");
        }

        long target = origin switch
        {
            SeekOrigin.Begin => _origin + offset,
            SeekOrigin.Current => _origin + Position + offset,
            _ => _origin + Length + offset,
        };
        if (target < _origin)
        {
            throw new IOException("Seek before the start of the audio.");
        }

        return SeekInner(target) - _origin;
    }

    public override void Flush()
    {
    }

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing && !_leaveOpen)
        {
            _inner.Dispose();
        }

        base.Dispose(disposing);
    }

    private void Capture(ReadOnlySpan<byte> read)
    {
        // Where the bytes just read lie relative to the window; forward reads fill it in order.
        long at = _position - _captureStart;
        if (at + read.Length <= _captured || at > _captured)
        {
            return;
        }

        int skip = (int)(_captured - at);
        int take = Math.Min(read.Length - skip, _capture.Length - _captured);
        read.Slice(skip, take).CopyTo(_capture.AsSpan(_captured));
        _captured += take;
    }

    private int ReadInner(Span<byte> buffer)
    {
        try
        {
            return _inner.Read(buffer);
        }
        catch (Exception ex) when (Remember(ex))
        {
            throw;
        }
    }

    private long SeekInner(long absolute)
    {
        try
        {
            return _inner.Seek(absolute, SeekOrigin.Begin);
        }
        catch (Exception ex) when (Remember(ex))
        {
            throw;
        }
    }

    private bool Remember(Exception ex)
    {
        Failure ??= ex;
        return false;
    }
}
