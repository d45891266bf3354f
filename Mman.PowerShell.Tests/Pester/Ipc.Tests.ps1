# Inter-process communication through a map: two real pwsh processes exchange messages through a named
# map, and two runspaces of one process through an anonymous Shared map, in both directions, with every
# byte checked on arrival.
#
# The protocol (the same script runs on both sides): a 64-byte header of Int64 fields, then one message
# area for each direction.
#   0  seq A->B  written by A: the number of the last message A has put in its area (0: none yet)
#   8  ack A->B  written by B: the number of the last message of A that B has read
#   16 seq B->A  written by B
#   24 ack B->A  written by A
#   32 len A->B  written by A before seq: the length of the message in the area
#   40 len B->A  written by B before seq
#   48 hello     written by B when it has opened the map: its process id
#   4096   area A->B (up to 4096 bytes)
#   8192   area B->A (up to 4096 + 32 bytes)
# A sends message i once B has acknowledged message i - 1; its bytes are a slice of a seeded random pool
# whose start and length depend on i (1 to 4096 bytes). B checks every byte against what message i must
# be, acknowledges it, and answers with reply i: the SHA-256 of the bytes it read, then those bytes
# reversed. A checks every byte of each reply against what its own message i makes. Both sides poll with
# a deadline, so a lost message fails the test instead of hanging it.

BeforeAll {
    Import-Module "$PSScriptRoot/TestUtility.psm1"
    Import-MmanModule
    function Quote([string] $Text) { "'" + $Text.Replace("'", "''") + "'" }

    $script:prefix = "mman-test-$PID-ipc-"
    $script:messageCount = 200
    $script:protocol = @'
function Get-IpcMessage {
    # Message i from A: a slice of the seeded pool, 1 byte for i = 1, 4096 for i = 2, else 1 to 4096 bytes.
    param([byte[]] $Pool, [int] $Index)
    $length = switch ($Index) { 1 { 1 } 2 { 4096 } default { 1 + ($Index * 997) % 4096 } }
    $message = [byte[]]::new($length)
    [Array]::Copy($Pool, ($Index * 613) % 4096, $message, 0, $length)
    return , $message
}

function Get-IpcReply {
    # B's answer to a message: its SHA-256, then its bytes reversed.
    param([byte[]] $Message)
    $reversed = [byte[]]$Message.Clone()
    [Array]::Reverse($reversed)
    $reply = [byte[]]::new(32 + $Message.Length)
    [Array]::Copy([Security.Cryptography.SHA256]::HashData($Message), 0, $reply, 0, 32)
    [Array]::Copy($reversed, 0, $reply, 32, $reversed.Length)
    return , $reply
}

function Invoke-IpcSide {
    # Runs side A or B of the exchange over Map until Count messages and Count replies have passed (and
    # the other side has acknowledged the last one), Abort returns a reason, or TimeoutSeconds pass.
    # Returns what this side saw, as a hashtable.
    param($Map, [ValidateSet('A', 'B')] [string] $Role, [int] $Count, [int] $TimeoutSeconds = 60, [scriptblock] $Abort = { $null })
    $pool = [byte[]]::new(8192)
    [Random]::new(20240601).NextBytes($pool)
    # Header fields as Int64 indexes: [seqOut, ackOut (read), seqIn, ackIn (written), lenOut, lenIn].
    if ($Role -eq 'A') { $seqOut = 0; $ackOut = 1; $seqIn = 2; $ackIn = 3; $lenOut = 4; $lenIn = 5; $areaOut = 4096; $areaIn = 8192 }
    else { $seqOut = 2; $ackOut = 3; $seqIn = 0; $ackIn = 1; $lenOut = 5; $lenIn = 4; $areaOut = 8192; $areaIn = 4096 }
    if ($Role -eq 'B') { Write-MemoryMap $Map -Value ([long]$PID) -As Int64 -Offset 48 }

    $result = @{ Sent = 0; Received = 0; Wrong = 0; FirstWrong = 0; Bytes = 0L; Acked = 0; Error = $null }
    $replies = [Collections.Generic.Queue[byte[]]]::new()
    $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSeconds)
    while ($result.Received -lt $Count -or $result.Sent -lt $Count -or $result.Acked -lt $Count) {
        if ([DateTime]::UtcNow -gt $deadline) {
            $result.Error = "side $Role timed out after $TimeoutSeconds s"
            break
        }
        $reason = & $Abort
        if ($reason) {
            $result.Error = "side $Role stopped: $reason"
            break
        }
        $header = Read-MemoryMap $Map -As Int64 -Count 6
        $result.Acked = [int]$header[$ackOut]
        $progress = $false

        # Send the next message (A) or the next reply (B) once the other side has read the one before.
        if ($result.Sent -lt $Count -and $header[$ackOut] -eq $result.Sent -and ($Role -eq 'A' -or $replies.Count -gt 0)) {
            $next = $result.Sent + 1
            $out = if ($Role -eq 'A') { Get-IpcMessage $pool $next } else { $replies.Dequeue() }
            Write-MemoryMap $Map -Data $out -Offset $areaOut
            Write-MemoryMap $Map -Value ([long]$out.Length) -As Int64 -Offset ($lenOut * 8)
            Write-MemoryMap $Map -Value ([long]$next) -As Int64 -Offset ($seqOut * 8)
            $result.Sent = $next
            $progress = $true
        }

        # Take the next incoming message, check every byte, and acknowledge it.
        if ($header[$seqIn] -eq $result.Received + 1) {
            $index = $result.Received + 1
            $length = (Read-MemoryMap $Map -As Int64 -Offset ($lenIn * 8) -Count 1)[0]
            $in = Read-MemoryMap $Map -Offset $areaIn -Count $length
            $expected = if ($Role -eq 'B') { Get-IpcMessage $pool $index } else { Get-IpcReply (Get-IpcMessage $pool $index) }
            if ([Linq.Enumerable]::SequenceEqual([byte[]]$in, [byte[]]$expected)) { $result.Bytes += $in.Length }
            else {
                $result.Wrong++
                if (-not $result.FirstWrong) { $result.FirstWrong = $index }
            }
            if ($Role -eq 'B') { $replies.Enqueue((Get-IpcReply $in)) }
            Write-MemoryMap $Map -Value ([long]$index) -As Int64 -Offset ($ackIn * 8)
            $result.Received = $index
            $progress = $true
        }
        if (-not $progress) { [Threading.Thread]::Sleep(0) }
    }
    return $result
}

function Get-IpcExpectedBytes {
    # The bytes one side must verify: A's messages (at B), or B's replies (at A), summed over Count.
    param([ValidateSet('A', 'B')] [string] $Role, [int] $Count)
    $pool = [byte[]]::new(8192)
    $total = 0L
    for ($i = 1; $i -le $Count; $i++) { $total += (Get-IpcMessage $pool $i).Length + $(if ($Role -eq 'A') { 32 } else { 0 }) }
    return $total
}
'@
    . ([scriptblock]::Create($script:protocol))
}

Describe 'IPC through maps' -Tag CI {
    Context 'When two pwsh processes exchange messages through a named map' {
        BeforeAll {
            $name = $script:prefix + 'processes'
            $map = New-MemoryMap -Name $name -Size 16384
            $watch = [Diagnostics.Stopwatch]::StartNew()
            $child = Start-ChildPwsh -Script ($script:protocol + "`n" + ("`$name = {0}; `$count = {1}`n" -f (Quote $name), $script:messageCount) + @'
$map = New-MemoryMap -Name $name
[Console]::Out.WriteLine("OPENED $($map.Kind) $($map.Size)")
$result = Invoke-IpcSide -Map $map -Role B -Count $count -TimeoutSeconds 50
[Console]::Out.WriteLine("REPORT sent=$($result.Sent) received=$($result.Received) wrong=$($result.Wrong) firstwrong=$($result.FirstWrong) bytes=$($result.Bytes) acked=$($result.Acked)")
if ($result.Error) { [Console]::Out.WriteLine("ERROR $($result.Error)") }
Close-MemoryMap $map
'@)
            $childId = $child.Id
            $result = Invoke-IpcSide -Map $map -Role A -Count $script:messageCount -TimeoutSeconds 45 -Abort {
                if ($child.HasExited) { "the child exited with code $($child.ExitCode)" }
            }
            $run = Wait-ChildPwsh -Process $child -TimeoutSeconds 15
            # Wait-ChildPwsh has disposed of the process (and killed it, had it hung).
            $child = $null
            $watch.Stop()
            $hello = (Read-MemoryMap $map -As Int64 -Offset 48 -Count 1)[0]
            $report = @{}
            foreach ($line in $run.Output) {
                if ($line -like 'REPORT *') {
                    foreach ($pair in ($line -split ' ' | Where-Object { $_ -like '*=*' })) { $key, $value = $pair -split '=', 2; $report[$key] = [long]$value }
                }
            }
            $summary = "exit code $($run.ExitCode), timed out $($run.TimedOut); side A: $($result | ConvertTo-Json -Compress); child: $($run.Output -join ' | ') $($run.ErrorText)"
            Write-Host ("IPC between processes: {0} messages and {0} replies, {1} + {2} bytes verified, in {3:N1} s" -f $script:messageCount, $report['bytes'], $result.Bytes, $watch.Elapsed.TotalSeconds)
        }
        AfterAll {
            # Only when BeforeAll failed before waiting for the child.
            if ($null -ne $child -and -not $child.HasExited) { $child.Kill($true) }
            if ($map) { Close-MemoryMap $map }
            Remove-MemoryMap -Name $name -ErrorAction Ignore
        }

        It 'Should run the child to the end (exit code 0)' {
            $run.ExitCode | Should -Be 0 -Because $summary
        }
        It 'Should open the map by name in the child, with the size of the object' {
            $run.Output | Should -Contain 'OPENED Named 16384'
        }
        It 'Should see the child''s process id, written through the map' {
            $hello | Should -Be $childId
        }
        It 'Should be another process than this one' {
            $hello | Should -Not -Be $PID
        }
        It 'Should finish on this side without error' {
            $result.Error | Should -BeNullOrEmpty -Because $summary
        }
        It 'Should send every message to the child' {
            $result.Sent | Should -Be $script:messageCount
        }
        It 'Should have every message acknowledged by the child' {
            $result.Acked | Should -Be $script:messageCount
        }
        It 'Should deliver every message to the child' {
            $report['received'] | Should -Be $script:messageCount -Because $summary
        }
        It 'Should deliver every byte of every message right' {
            $report['wrong'] | Should -Be 0 -Because "the first wrong message was $($report['firstwrong'])"
            $report['bytes'] | Should -Be (Get-IpcExpectedBytes -Role B -Count $script:messageCount)
        }
        It 'Should receive a reply to every message' {
            $result.Received | Should -Be $script:messageCount
            $report['sent'] | Should -Be $script:messageCount
        }
        It 'Should receive every byte of every reply right' {
            $result.Wrong | Should -Be 0 -Because "the first wrong reply was $($result.FirstWrong)"
            $result.Bytes | Should -Be (Get-IpcExpectedBytes -Role A -Count $script:messageCount)
        }
        It 'Should have every reply acknowledged here, as the child saw' {
            $report['acked'] | Should -Be $script:messageCount
        }
        It 'Should leave the last message and its ack numbers in the header' {
            (Read-MemoryMap $map -As Int64 -Count 4) | Should -Be @($script:messageCount, $script:messageCount, $script:messageCount, $script:messageCount)
        }
    }

    Context 'When two runspaces of one process exchange messages through an anonymous Shared map' {
        BeforeAll {
            $map = New-MemoryMap -Size 16384 -Sharing Shared
            $modulePath = Get-MmanModulePath
            $protocol = $script:protocol
            $count = $script:messageCount
            $watch = [Diagnostics.Stopwatch]::StartNew()
            $job = Start-ThreadJob -ScriptBlock {
                $ErrorActionPreference = 'Stop'
                Import-Module $using:modulePath
                . ([scriptblock]::Create($using:protocol))
                [pscustomobject](Invoke-IpcSide -Map $using:map -Role B -Count $using:count -TimeoutSeconds 50)
            }
            $result = Invoke-IpcSide -Map $map -Role A -Count $count -TimeoutSeconds 45 -Abort {
                if ($job.State -notin 'NotStarted', 'Running') { "the thread job is $($job.State)" }
            }
            $null = Wait-Job $job -Timeout 15
            $jobState = "$($job.State)"
            $jobErrors = @($job.ChildJobs | ForEach-Object { $_.Error }) -join '; '
            $other = Receive-Job $job -ErrorAction SilentlyContinue
            $watch.Stop()
            $hello = (Read-MemoryMap $map -As Int64 -Offset 48 -Count 1)[0]
            $summary = "job $jobState $jobErrors; side A: $($result | ConvertTo-Json -Compress); side B: $($other | ConvertTo-Json -Compress)"
            Write-Host ("IPC between runspaces: {0} messages and {0} replies, {1} + {2} bytes verified, in {3:N1} s" -f $count, $other.Bytes, $result.Bytes, $watch.Elapsed.TotalSeconds)
        }
        AfterAll {
            if ($job) { Stop-Job $job; Remove-Job $job -Force }
            Close-MemoryMap $map
        }

        It 'Should run the other runspace to the end' {
            $jobState | Should -Be 'Completed' -Because $summary
        }
        It 'Should finish on both sides without error' {
            $result.Error | Should -BeNullOrEmpty -Because $summary
            $other.Error | Should -BeNullOrEmpty -Because $summary
        }
        It 'Should see the same process id from the other side (one process)' {
            $hello | Should -Be $PID
        }
        It 'Should deliver every message to the other runspace' {
            $result.Sent | Should -Be $count
            $other.Received | Should -Be $count
        }
        It 'Should deliver every byte of every message right' {
            $other.Wrong | Should -Be 0 -Because "the first wrong message was $($other.FirstWrong)"
            $other.Bytes | Should -Be (Get-IpcExpectedBytes -Role B -Count $count)
        }
        It 'Should receive a reply to every message' {
            $other.Sent | Should -Be $count
            $result.Received | Should -Be $count
        }
        It 'Should receive every byte of every reply right' {
            $result.Wrong | Should -Be 0 -Because "the first wrong reply was $($result.FirstWrong)"
            $result.Bytes | Should -Be (Get-IpcExpectedBytes -Role A -Count $count)
        }
        It 'Should keep the map open after the other runspace has ended' {
            $map.IsValid | Should -BeTrue
        }
    }

    Context 'When the file is done' {
        if ($IsWindows) {
            It 'Should leave no named section of this file (Windows: no /dev/shm)' {
                # A Windows section lives while a handle or view of it is open: opening it by name (with
                # .NET, not Mman) fails once every map of the name is closed.
                foreach ($suffix in @('processes')) {
                    $err = Get-ErrorRecord { [IO.MemoryMappedFiles.MemoryMappedFile]::OpenExisting("Local\$($script:prefix)$suffix").Dispose() }
                    $err.Exception.InnerException | Should -BeOfType ([IO.FileNotFoundException]) -Because "no map of $($script:prefix)$suffix should be open"
                }
            }
        }
        else {
            It 'Should leave no shared memory of this file in /dev/shm' {
                @(Get-ChildItem -LiteralPath /dev/shm -Filter "$($script:prefix)*" -ErrorAction Ignore) | Should -BeNullOrEmpty
            }
        }
    }
}
