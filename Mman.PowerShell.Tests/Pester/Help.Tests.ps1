<#
.SYNOPSIS
    Documentation tests: the help in docs/ matches the cmdlets, the shipped help matches docs/, and
    every example in docs/ runs and shows the output it documents.

.DESCRIPTION
    Parity. The cmdlets the module exports are exactly the command pages of docs/ (and the cmdlets
    listed on the module page docs/Mman.md). For each cmdlet, the parameters of Get-Command (less
    the common parameters), the parameters documented in its page and the parameters of
    Get-Help -Full are the same set; each parameter's documented type, aliases, wildcard support and
    per-parameter-set attributes (required, position, pipeline input) are the cmdlet's own; every
    parameter has a description; the page has a real synopsis, description, at least three examples,
    inputs, outputs, notes and related links; and Get-Help shows the page's synopsis and
    descriptions, which proves the MAML in en-US/ was regenerated from docs/. Get-Help about_Mman
    finds the shipped about topic.

    Rendering. The shipped MAML is PlatyPS's output repaired by docs/Repair-MamlHelp.ps1 (its own
    tests are in Repair-MamlHelp.Tests.ps1), so for each cmdlet: Get-Help -Examples and -Full show
    no markdown (no ``` fences, ** or link syntax) and the page's prose with its markup read as text;
    each example's code field is exactly the code of its page, which the examples below run, and
    its first remark is the page's Output block; every parameter whose page gives a DefaultValue
    shows it in Get-Help -Parameter; and the help's version (docs/Mman.md's Help Version, each
    command's version in the MAML) is the module's.

    Examples. Every ```powershell block under '## EXAMPLES' of a docs/ command page, and every
    ```powershell block of docs/about_*.md, is run in a fresh pwsh with the built module imported
    (so map Ids start at 1, as in the documented output, and the module's folder is on
    PSModulePath for other runspaces), in a fresh temporary folder that is also the process's temp
    path ($env:TMPDIR, TMP and TEMP), so that the examples' [IO.Path]::GetTempPath() files land
    there. The block runs as if pasted into a session: its output goes through
    Out-String -Width 120. An example whose title ends with '(Linux and macOS)' is skipped on
    Windows. An example passes when the process exits
    with 0, writes nothing to the error stream and leaves no map open. When a ```Output block follows
    the code, the output must match it after this normalisation of both sides:
      1. line endings become LF and ANSI escape sequences are removed;
      2. the example's temporary folder in the actual output becomes '/tmp/' (docs show Linux paths),
         and so does the start of a path that a table shortened to fit ('.../e3/example.bin');
      3. addresses become '<address>': '0x' followed by 5 or more hex digits, and a non-zero
         'Address : <number>' of a list view;
      4. map Ids become '<id>': 'MemoryMap <n>:', 'map <n>' in messages, 'Id : <n>' of a list view
         and the Id that starts a table row followed by the Kind (Anonymous or File);
      5. whitespace: each line is trimmed, runs of spaces and tabs become one space, and empty lines
         are dropped, so column alignment and blank lines do not count.
#>

BeforeDiscovery {
    $script:DocsRoot = [IO.Path]::GetFullPath((Join-Path $PSScriptRoot '../../docs'))

    function Get-DocSection {
        # The lines of each '## ' section of a markdown page, outside code fences.
        param([string[]] $Lines)
        $sections = [ordered]@{}
        $current = $null
        $inCode = $false
        foreach ($line in $Lines) {
            if ($line -match '^```') { $inCode = -not $inCode }
            if (-not $inCode -and $line -match '^## (.+)$') {
                $current = $Matches[1].Trim()
                $sections[$current] = [Collections.Generic.List[string]]::new()
                continue
            }
            if ($null -ne $current) { $sections[$current].Add($line) }
        }
        return $sections
    }

    function Get-DocExample {
        # Each ```powershell block of the EXAMPLES section, with the ```Output block that follows it.
        param([string] $Page, [string[]] $Lines)
        $examples = [Collections.Generic.List[object]]::new()
        $title = ''
        for ($i = 0; $i -lt $Lines.Count; $i++) {
            if ($Lines[$i] -match '^### (.+)$') { $title = $Matches[1].Trim(); continue }
            if ($Lines[$i] -ne '```powershell') { continue }
            $end = $i + 1
            while ($end -lt $Lines.Count -and $Lines[$end] -ne '```') { $end++ }
            $code = ($Lines[($i + 1)..($end - 1)]) -join "`n"
            $next = $end + 1
            while ($next -lt $Lines.Count -and $Lines[$next].Trim() -eq '') { $next++ }
            $output = $null
            if ($next -lt $Lines.Count -and $Lines[$next] -match '^```output$') {
                $outEnd = $next + 1
                while ($outEnd -lt $Lines.Count -and $Lines[$outEnd] -ne '```') { $outEnd++ }
                $output = if ($outEnd -gt $next + 1) { ($Lines[($next + 1)..($outEnd - 1)]) -join "`n" } else { '' }
            }
            $examples.Add([pscustomobject]@{
                Key      = 'e{0}' -f ($script:ExampleCount++)
                Page     = $Page
                Title    = $title
                Code     = $code
                Expected = $output
            })
            $i = $end
        }
        return $examples
    }

    $script:ExampleCount = 0
    $pages = Get-ChildItem -LiteralPath $script:DocsRoot -Filter '*.md' | Where-Object {
        (Get-Content -LiteralPath $_.FullName -TotalCount 3) -contains 'document type: cmdlet'
    }
    $manifestPath = if ($env:MMAN_MODULE_PATH) { $env:MMAN_MODULE_PATH } else { Join-Path $PSScriptRoot '../../Mman.psd1' }
    $manifest = Import-PowerShellDataFile -LiteralPath $manifestPath
    $names = @(@($pages.BaseName) + @($manifest.CmdletsToExport) | Sort-Object -Unique)
    $script:ExampleCases = @(
        foreach ($page in $pages) {
            $sections = Get-DocSection -Lines (Get-Content -LiteralPath $page.FullName)
            if ($sections.Contains('EXAMPLES')) {
                Get-DocExample -Page $page.BaseName -Lines $sections['EXAMPLES']
            }
        }
        # Every block of the about topic is an example too, wherever it stands.
        foreach ($about in Get-ChildItem -LiteralPath $script:DocsRoot -Filter 'about_*.md') {
            Get-DocExample -Page $about.BaseName -Lines (Get-Content -LiteralPath $about.FullName)
        }
    ) | ForEach-Object { @{ Example = $_; Key = $_.Key; Page = $_.Page; Title = $_.Title } }
    $script:OutputCases = @($script:ExampleCases | Where-Object { $null -ne $_.Example.Expected })
    # Each cmdlet with the examples of its page, to compare with the examples of its installed help.
    $script:CommandCases = foreach ($name in $names) {
        @{ Name = $name; DocExamples = @($script:ExampleCases | Where-Object Page -EQ $name | ForEach-Object Example) }
    }
}

BeforeAll {
    Import-Module "$PSScriptRoot/TestUtility.psm1"
    Import-MmanModule

    $script:DocsRoot = [IO.Path]::GetFullPath((Join-Path $PSScriptRoot '../../docs'))
    $script:ModulePath = [IO.Path]::GetFullPath((Get-MmanModulePath))
    $script:CommonParameters = [System.Management.Automation.PSCmdlet]::CommonParameters

    function Read-DocPage {
        # Parses a docs/ command page: synopsis, sections, parameter set names and parameters.
        param([string] $Path)
        $lines = Get-Content -LiteralPath $Path
        $sections = [ordered]@{}
        $current = $null
        $inCode = $false
        foreach ($line in $lines) {
            if ($line -match '^```') { $inCode = -not $inCode }
            if (-not $inCode -and $line -match '^## (.+)$') {
                $current = $Matches[1].Trim()
                $sections[$current] = [Collections.Generic.List[string]]::new()
                continue
            }
            if ($null -ne $current) { $sections[$current].Add($line) }
        }
        $text = { param($name) if ($sections.Contains($name)) { ($sections[$name] -join "`n").Trim() } else { '' } }

        $setNames = @($sections['SYNTAX'] | Where-Object { $_ -match '^### ' } | ForEach-Object {
                ($_ -replace '^### ', '' -replace '\s*\(Default\)$', '').Trim()
            })

        $parameters = [ordered]@{}
        $paramLines = @($sections['PARAMETERS'])
        for ($i = 0; $i -lt $paramLines.Count; $i++) {
            if ($paramLines[$i] -notmatch '^### -(\w+)\s*$') { continue }
            $name = $Matches[1]
            $j = $i + 1
            $description = [Collections.Generic.List[string]]::new()
            while ($j -lt $paramLines.Count -and $paramLines[$j] -ne '```yaml') { $description.Add($paramLines[$j]); $j++ }
            $yaml = [Collections.Generic.List[string]]::new()
            $j++
            while ($j -lt $paramLines.Count -and $paramLines[$j] -ne '```') { $yaml.Add($paramLines[$j]); $j++ }
            $parameters[$name] = [pscustomobject]@{
                Name        = $name
                Description = ($description -join "`n").Trim()
                Metadata    = ConvertFrom-ParameterYaml -Lines $yaml
            }
            $i = $j
        }

        [pscustomobject]@{
            Metadata      = $(if ($lines[0] -eq '---') { $lines[1..([Array]::IndexOf($lines, '---', 1) - 1)] })
            Synopsis      = & $text 'SYNOPSIS'
            Description   = & $text 'DESCRIPTION'
            Examples      = & $text 'EXAMPLES'
            Inputs        = & $text 'INPUTS'
            Outputs       = & $text 'OUTPUTS'
            Notes         = & $text 'NOTES'
            RelatedLinks  = & $text 'RELATED LINKS'
            SetNames      = $setNames
            Parameters    = $parameters
            ExampleTitles = @($sections['EXAMPLES'] | Where-Object { $_ -match '^### ' })
        }
    }

    function ConvertFrom-ParameterYaml {
        # Reads the parameter metadata block of the PlatyPS 1.x schema (a small, regular YAML subset).
        param([string[]] $Lines)
        $result = @{ Aliases = @(); ParameterSets = @(); AcceptedValues = @() }
        $list = $null
        $set = $null
        foreach ($line in $Lines) {
            if ($line -match '^(\w+):\s*(.*)$') {
                $key = $Matches[1]; $value = $Matches[2].Trim()
                $list = $null
                if ($value -eq '' -and $key -in 'Aliases', 'ParameterSets', 'AcceptedValues') { $list = $key; continue }
                if ($value -eq '[]') { $result[$key] = @(); continue }
                $result[$key] = $value.Trim("'")
            }
            elseif ($list -eq 'ParameterSets' -and $line -match '^- Name:\s*(.+)$') {
                $set = [ordered]@{ Name = $Matches[1].Trim() }
                $result.ParameterSets += $set
            }
            elseif ($list -eq 'ParameterSets' -and $line -match '^\s+(\w+):\s*(.+)$') {
                $set[$Matches[1]] = $Matches[2].Trim()
            }
            elseif ($list -and $line -match '^- (.+)$') {
                $result[$list] += $Matches[1].Trim()
            }
        }
        return $result
    }

    function Get-NormalText {
        # Whitespace-insensitive text, for comparing help text between markdown and Get-Help. With
        # -Markdown, the text of a docs/ page is first read as a reader sees it: the shipped help has
        # no markup (docs/Repair-MamlHelp.ps1 removes it), so bold and code spans count by their
        # text, and links by their text and web address. Help text is never stripped, so markup left
        # in the MAML makes the comparison fail.
        param([string] $Text, [switch] $Markdown)
        if ($Markdown) {
            $Text = $Text -replace '\*\*(.+?)\*\*', '$1' -replace '(`+)(.+?)\1', '$2'
            $Text = $Text -replace '\[([^\]]+)\]\((https?://[^)]+)\)', '$1 ($2)' -replace '\[([^\]]+)\]\([^)]*\)', '$1'
        }
        return (($Text -replace '\s+', ' ').Trim())
    }

    function Get-HelpText {
        # The text of a MAML description as Get-Help returns it (paragraph objects with a Text property).
        param($Description)
        return Get-NormalText (@($Description | ForEach-Object { $_.Text }) -join ' ')
    }

    function ConvertTo-ComparableOutput {
        # The normalisation of example output described at the top of this file.
        param([AllowNull()] [string] $Text, [string] $TempFolder)
        if ($null -eq $Text) { return @() }
        $text = $Text -replace "`r`n", "`n" -replace "`r", "`n"
        $text = $text -replace '\x1b\[[0-9;?]*[ -/]*[@-~]', ''
        if ($TempFolder) {
            foreach ($folder in @($TempFolder.TrimEnd('/', '\') + '/'), @($TempFolder.TrimEnd('/', '\') + '\')) {
                $text = $text.Replace($folder, '/tmp/')
            }
            # The Source column of a map's table keeps the end of a long path: '...e3/example.bin @ 4'.
            $text = $text -replace '\.\.\.\S*[/\\]', '/tmp/'
        }
        $text = $text -replace '0x[0-9A-Fa-f]{5,}', '0x<address>'
        $text = $text -replace '(?m)^(\s*Address\s*:\s*)[1-9]\d*\s*$', '$1<address>'
        $text = $text -replace 'MemoryMap \d+:', 'MemoryMap <id>:'
        $text = $text -replace '\bmap \d+\b', 'map <id>'
        $text = $text -replace '(?m)^(\s*Id\s*:\s*)\d+\s*$', '$1<id>'
        $text = $text -replace '(?m)^\s*\d+(\s+(Anonymous|File|Named)\b)', '<id>$1'
        return @($text -split "`n" | ForEach-Object { ($_.Trim() -replace '[ \t]+', ' ') } | Where-Object { $_ -ne '' })
    }

    function Get-PwshStartInfo {
        # A pwsh like this one: under 'dotnet pwsh' that is dotnet plus pwsh.dll.
        $process = [Environment]::ProcessPath
        $info = [Diagnostics.ProcessStartInfo]::new($process)
        if ([IO.Path]::GetFileNameWithoutExtension($process) -eq 'dotnet') {
            $info.ArgumentList.Add((Join-Path $PSHOME 'pwsh.dll'))
        }
        return $info
    }

    function Invoke-DocExample {
        # Runs every example in its own fresh pwsh, a few at a time; returns the results by key.
        param([object[]] $Examples, [string] $Root, [int] $Throttle = [Math]::Max(2, [Math]::Min(8, [Environment]::ProcessorCount)))
        $results = @{}
        $queue = [Collections.Generic.Queue[object]]::new()
        foreach ($example in $Examples) { $queue.Enqueue($example) }
        $running = [Collections.Generic.List[object]]::new()
        $quote = { param($s) "'" + ($s -replace "'", "''") + "'" }
        while ($queue.Count -gt 0 -or $running.Count -gt 0) {
            while ($queue.Count -gt 0 -and $running.Count -lt $Throttle) {
                $example = $queue.Dequeue()
                $folder = Join-Path $Root $example.Key
                $null = New-Item -ItemType Directory -Path $folder -Force
                $openMaps = Join-Path $folder 'open-maps.txt'
                $script = Join-Path $folder 'example.ps1'
                $lines = @(
                    '$ErrorActionPreference = ''Continue'''
                    '$ProgressPreference = ''SilentlyContinue'''
                    'if ($PSStyle) { $PSStyle.OutputRendering = ''PlainText'' }'
                    # The output is read as UTF-8 (below); Windows would write it in the console's code page.
                    'if ($IsWindows) { [Console]::OutputEncoding = [Text.UTF8Encoding]::new($false) }'
                    "Import-Module -Name $(& $quote $script:ModulePath) -ErrorAction Stop"
                    "Set-Location -LiteralPath $(& $quote $folder)"
                    '& {'
                    $example.Code
                    '} | Out-String -Stream -Width 120'
                    "[Mman.MemoryMap]::GetOpenMaps().Count | Set-Content -LiteralPath $(& $quote $openMaps)"
                )
                Set-Content -LiteralPath $script -Value $lines -Encoding utf8
                $info = Get-PwshStartInfo
                foreach ($argument in '-NoProfile', '-NonInteractive', '-File', $script) { $info.ArgumentList.Add($argument) }
                $info.UseShellExecute = $false
                $info.RedirectStandardOutput = $true
                $info.RedirectStandardError = $true
                $info.StandardOutputEncoding = [Text.UTF8Encoding]::new($false)
                $info.StandardErrorEncoding = [Text.UTF8Encoding]::new($false)
                $info.WorkingDirectory = $folder
                foreach ($variable in 'TMPDIR', 'TMP', 'TEMP') { $info.Environment[$variable] = $folder }
                # Other runspaces (ForEach-Object -Parallel) find the module as an installed one would be found.
                $info.Environment['PSModulePath'] = (Split-Path -Parent (Split-Path -Parent $script:ModulePath)) +
                    [IO.Path]::PathSeparator + $env:PSModulePath
                $info.Environment['NO_COLOR'] = '1'
                $process = [Diagnostics.Process]::Start($info)
                $running.Add([pscustomobject]@{
                    Example  = $example
                    Folder   = $folder
                    OpenMaps = $openMaps
                    Process  = $process
                    Output   = $process.StandardOutput.ReadToEndAsync()
                    Error    = $process.StandardError.ReadToEndAsync()
                    Started  = [DateTime]::UtcNow
                })
            }
            foreach ($run in @($running)) {
                $timedOut = ([DateTime]::UtcNow - $run.Started).TotalSeconds -gt 120
                if (-not $run.Process.HasExited -and -not $timedOut) { continue }
                if (-not $run.Process.HasExited) { $run.Process.Kill($true) }
                $run.Process.WaitForExit()
                $results[$run.Example.Key] = [pscustomobject]@{
                    ExitCode = if ($timedOut) { -1 } else { $run.Process.ExitCode }
                    TimedOut = $timedOut
                    Output   = $run.Output.Result
                    Error    = $run.Error.Result
                    OpenMaps = if (Test-Path -LiteralPath $run.OpenMaps) { [int](Get-Content -LiteralPath $run.OpenMaps -TotalCount 1) } else { -1 }
                    Folder   = $run.Folder
                }
                $run.Process.Dispose()
                $null = $running.Remove($run)
            }
            if ($running.Count -gt 0) { Start-Sleep -Milliseconds 50 }
        }
        return $results
    }
}

Describe 'Mman help' -Tag CI {
    Context 'The documentation set' {
        BeforeAll {
            $exported = @((Get-Module Mman).ExportedCmdlets.Keys | Sort-Object)
            $pages = @(Get-ChildItem -LiteralPath $script:DocsRoot -Filter '*.md' | Where-Object {
                    (Get-Content -LiteralPath $_.FullName -TotalCount 3) -contains 'document type: cmdlet'
                } | ForEach-Object BaseName | Sort-Object)
        }

        It 'Should have a command page in docs/ for every exported cmdlet and a cmdlet for every page' {
            $exported | Should -Not -BeNullOrEmpty
            ($pages -join ', ') | Should -BeExactly ($exported -join ', ')
        }

        It 'Should list every cmdlet on the module page docs/Mman.md with its synopsis' {
            $modulePage = Get-Content -LiteralPath (Join-Path $script:DocsRoot 'Mman.md')
            $modulePage | Should -Contain 'document type: module'
            $listed = @($modulePage | Where-Object { $_ -match '^### \[([\w-]+)\]\(\1\.md\)$' } | ForEach-Object { $Matches[1] } | Sort-Object)
            ($listed -join ', ') | Should -BeExactly ($exported -join ', ')
            foreach ($name in $exported) {
                $synopsis = (Read-DocPage -Path (Join-Path $script:DocsRoot "$name.md")).Synopsis
                $modulePage | Should -Contain $synopsis -Because "the module page should show the synopsis of $name"
            }
        }

        It 'Should give the help the module''s version (Help Version of docs/Mman.md, version of every command in the MAML)' {
            $version = (Get-Module Mman).Version.ToString()
            $manifestVersion = (Import-PowerShellDataFile -LiteralPath $script:ModulePath).ModuleVersion
            $version | Should -Be $manifestVersion
            Get-Content -LiteralPath (Join-Path $script:DocsRoot 'Mman.md') | Should -Contain "Help Version: $version"
            $maml = Join-Path (Split-Path -Parent $script:ModulePath) 'en-US/Mman.PowerShell.dll-Help.xml'
            $ns = @{ dev = 'http://schemas.microsoft.com/maml/dev/2004/10'; command = 'http://schemas.microsoft.com/maml/dev/command/2004/10' }
            $versions = @(Select-Xml -LiteralPath $maml -XPath '//command:details/dev:version' -Namespace $ns | ForEach-Object { $_.Node.InnerText })
            $versions.Count | Should -Be $exported.Count
            $versions | Should -Be (@($version) * $exported.Count)
            foreach ($name in $exported) { (Get-Help -Name $name).details.version | Should -BeExactly $version }
        }

        It 'Should ship the MAML help file with the built module' {
            $maml = Join-Path (Split-Path -Parent $script:ModulePath) 'en-US/Mman.PowerShell.dll-Help.xml'
            $maml | Should -Exist
            ([xml](Get-Content -LiteralPath $maml -Raw)).helpItems.command.details.name | Sort-Object |
                Should -Be $exported
        }

        It 'Should give Get-Help -Online no relative link to trip over (every related link URI is empty or absolute)' {
            # Get-Help -Online takes the first related link with a URI and fails on a relative one
            # ("The specified URI New-MemoryMap.md is not valid"); PlatyPS -Update fails the same way.
            $maml = Join-Path (Split-Path -Parent $script:ModulePath) 'en-US/Mman.PowerShell.dll-Help.xml'
            $ns = @{ maml = 'http://schemas.microsoft.com/maml/2004/10' }
            $uris = @(Select-Xml -LiteralPath $maml -XPath '//maml:navigationLink/maml:uri' -Namespace $ns | ForEach-Object { $_.Node.InnerText })
            $uris.Count | Should -BeGreaterThan 0
            $uris | Where-Object { $_ -and -not [uri]::IsWellFormedUriString($_, 'Absolute') } | Should -BeNullOrEmpty
        }

        It 'Should answer Get-Help -Online with the no-address message, not an invalid-URI error' {
            $err = $null
            try { Get-Help New-MemoryMap -Online -ErrorAction Stop } catch { $err = $_ }
            $err | Should -Not -BeNullOrEmpty
            $err.Exception.Message | Should -Not -Match 'is not valid'
        }
    }

    Context 'The about_Mman topic' {
        BeforeAll {
            $source = Get-Content -LiteralPath (Join-Path $script:DocsRoot 'about_Mman.md')
            $help = Get-Help about_Mman
            $shipped = Get-Content -LiteralPath (Join-Path (Split-Path -Parent $script:ModulePath) 'en-US/about_Mman.help.txt')
        }

        It 'Should be found by Get-Help after the module is imported' {
            $help | Should -Not -BeNullOrEmpty
            $help.Name | Should -Be 'about_Mman'
            $help.Category | Should -Be 'HelpFile'
        }

        It 'Should have the short description of docs/about_Mman.md as its synopsis' {
            $short = $source[([Array]::IndexOf($source, '## Short description') + 2)]
            $short | Should -Not -BeNullOrEmpty
            $help.Synopsis | Should -BeExactly $short
        }

        It 'Should ship exactly the text that docs/ConvertTo-AboutHelpText.ps1 makes of docs/about_Mman.md' {
            $converted = & (Join-Path $script:DocsRoot 'ConvertTo-AboutHelpText.ps1') -Path (Join-Path $script:DocsRoot 'about_Mman.md')
            ($shipped -join "`n") | Should -BeExactly $converted.TrimEnd("`n") -Because (
                'Mman.PowerShell/en-US/about_Mman.help.txt is made from docs/about_Mman.md with ' +
                'docs/ConvertTo-AboutHelpText.ps1 -Path docs/about_Mman.md -Destination Mman.PowerShell/en-US/about_Mman.help.txt')
        }

        It 'Should keep the shipped text within 80 columns' {
            $shipped | Where-Object { $_.Length -gt 80 } | Should -BeNullOrEmpty
        }

        It 'Should name every error id of the cmdlets in its catalogue' {
            # One vocabulary: the core's ids and the ids the cmdlets raise themselves are all in the enum
            # (MemoryMapErrorRecord takes only MemoryMapError values), so a new id cannot go undocumented.
            $ids = [Enum]::GetNames([Mman.MemoryMapError])
            $text = $source -join "`n"
            foreach ($id in $ids) {
                $text | Should -Match ('`' + $id + '`') -Because "the error catalogue should describe $id"
            }
        }
    }

    Context '<Name>' -ForEach $script:CommandCases {
        BeforeAll {
            $pagePath = Join-Path $script:DocsRoot "$Name.md"
            $command = Get-Command -Name $Name -Module Mman -CommandType Cmdlet -ErrorAction SilentlyContinue
            $page = if (Test-Path -LiteralPath $pagePath) { Read-DocPage -Path $pagePath }
            $help = Get-Help -Name $Name -Full -ErrorAction SilentlyContinue
            $commandParameters = if ($command) {
                @($command.Parameters.Keys | Where-Object { $_ -notin $script:CommonParameters } | Sort-Object)
            }
        }

        It 'Should be exported by the module' {
            $command | Should -Not -BeNullOrEmpty
        }

        It 'Should have a page in docs/' {
            $pagePath | Should -Exist
            $page.Metadata | Should -Contain 'document type: cmdlet'
            $page.Metadata | Should -Contain "title: $Name"
            $page.Metadata | Should -Contain 'external help file: Mman.PowerShell.dll-Help.xml'
        }

        It 'Should have a real synopsis' {
            $page.Synopsis | Should -Not -BeNullOrEmpty
            $page.Synopsis | Should -Not -Match '\{\{'
            $page.Synopsis.Length | Should -BeGreaterThan 20
        }

        It 'Should have a description, inputs, outputs, notes and related links' {
            foreach ($section in 'Description', 'Inputs', 'Outputs', 'Notes', 'RelatedLinks') {
                $page.$section | Should -Not -BeNullOrEmpty -Because "the $section section should be filled in"
                $page.$section | Should -Not -Match '\{\{' -Because "the $section section should not be a placeholder"
            }
            $page.RelatedLinks | Should -Match '\[about_Mman\]\(\)'
        }

        It 'Should have at least three examples' {
            $page.ExampleTitles.Count | Should -BeGreaterOrEqual 3
            $page.Examples | Should -Not -Match '\{\{'
        }

        It 'Should document the syntax of every parameter set' {
            $documented = @($page.SetNames | Sort-Object)
            $actual = @($command.ParameterSets.Name | Sort-Object)
            ($documented -join ', ') | Should -BeExactly ($actual -join ', ')
        }

        It 'Should document exactly the parameters of the cmdlet' {
            $documented = @($page.Parameters.Keys | Sort-Object)
            ($documented -join ', ') | Should -BeExactly ($commandParameters -join ', ')
        }

        It 'Should show exactly the parameters of the cmdlet in Get-Help -Full' {
            $helpParameters = @($help.parameters.parameter.name | Sort-Object)
            ($helpParameters -join ', ') | Should -BeExactly ($commandParameters -join ', ')
        }

        It 'Should describe every parameter in its page and in Get-Help' {
            foreach ($parameter in $commandParameters) {
                $page.Parameters[$parameter].Description | Should -Not -BeNullOrEmpty -Because "-$parameter needs a description"
                $page.Parameters[$parameter].Description | Should -Not -Match '\{\{' -Because "-$parameter needs a real description"
                $helpParameter = $help.parameters.parameter | Where-Object name -EQ $parameter
                Get-HelpText $helpParameter.description | Should -Not -BeNullOrEmpty -Because "Get-Help should describe -$parameter"
            }
        }

        It 'Should document the type, aliases and wildcard support of every parameter' {
            foreach ($parameter in $commandParameters) {
                $metadata = $command.Parameters[$parameter]
                $documented = $page.Parameters[$parameter].Metadata
                $documented.Type | Should -BeExactly $metadata.ParameterType.FullName -Because "of the type of -$parameter"
                (@($documented.Aliases) -join ', ') | Should -BeExactly (@($metadata.Aliases) -join ', ') -Because "of the aliases of -$parameter"
                $wildcards = [bool]($metadata.Attributes | Where-Object { $_ -is [System.Management.Automation.SupportsWildcardsAttribute] })
                $documented.SupportsWildcards | Should -Be $wildcards.ToString().ToLowerInvariant() -Because "of the wildcard support of -$parameter"
            }
        }

        It 'Should document the parameter sets, position, required and pipeline input of every parameter' {
            foreach ($parameter in $commandParameters) {
                $documented = @($page.Parameters[$parameter].Metadata.ParameterSets)
                $actual = $command.Parameters[$parameter].ParameterSets
                $documentedNames = @($documented | ForEach-Object { if ($_.Name -eq '(All)') { '__AllParameterSets' } else { $_.Name } } | Sort-Object)
                ($documentedNames -join ', ') | Should -BeExactly (@($actual.Keys | Sort-Object) -join ', ') -Because "of the parameter sets of -$parameter"
                foreach ($set in $documented) {
                    $key = if ($set.Name -eq '(All)') { '__AllParameterSets' } else { $set.Name }
                    $real = $actual[$key]
                    $position = if ($real.Position -eq [int]::MinValue) { 'Named' } else { [string]$real.Position }
                    $set.Position | Should -BeExactly $position -Because "of the position of -$parameter in $key"
                    foreach ($pair in @(
                            @('IsRequired', $real.IsMandatory),
                            @('ValueFromPipeline', $real.ValueFromPipeline),
                            @('ValueFromPipelineByPropertyName', $real.ValueFromPipelineByPropertyName))) {
                        $set[$pair[0]] | Should -BeExactly $pair[1].ToString().ToLowerInvariant() -Because "of $($pair[0]) of -$parameter in $key"
                    }
                }
            }
        }

        It 'Should show the synopsis and descriptions of its page in Get-Help (the MAML is up to date)' {
            # After a change to docs/, regenerate the MAML with Microsoft.PowerShell.PlatyPS 1.x:
            # PSModulePath=<folder of PlatyPS> dotnet pwsh ./build.ps1 Docs.
            $help.Synopsis | Should -BeExactly (Get-NormalText $page.Synopsis -Markdown)
            Get-HelpText $help.description | Should -BeExactly (Get-NormalText $page.Description -Markdown)
            foreach ($parameter in $commandParameters) {
                $helpParameter = $help.parameters.parameter | Where-Object name -EQ $parameter
                $expected = Get-NormalText $page.Parameters[$parameter].Description -Markdown
                Get-HelpText $helpParameter.description | Should -BeExactly $expected -Because "Get-Help should show the page's description of -$parameter"
            }
            @($help.examples.example).Count | Should -Be $page.ExampleTitles.Count
        }

        It 'Should render Get-Help -Examples and -Full without markdown (no fences, no bold, no link syntax)' {
            # The examples' own code and output may hold anything ('*******' is a password masked by
            # an example), so their lines are set aside; every other line is prose from docs/.
            $verbatim = [Collections.Generic.HashSet[string]]::new()
            foreach ($example in $DocExamples) {
                foreach ($line in @($example.Code -split "`n") + @("$($example.Expected)" -split "`n")) { $null = $verbatim.Add($line.Trim()) }
            }
            foreach ($view in 'Examples', 'Full') {
                $splat = @{ Name = $Name; $view = $true }
                $text = Get-Help @splat | Out-String -Width 1000
                $text | Should -Not -BeNullOrEmpty
                $text | Should -Not -Match '```' -Because "Get-Help -$view should show no code fences"
                $text | Should -Not -Match '\u0080' -Because "Get-Help -$view should show no PlatyPS line-break stand-ins"
                $prose = @($text -split '\r?\n' | Where-Object { -not $verbatim.Contains($_.Trim()) }) -join "`n"
                $prose | Should -Not -Match '\*\*' -Because "Get-Help -$view should show no bold markers"
                $prose | Should -Not -Match '\[[^\]]+\]\((|https?://[^)]*|[\w-]+\.md)\)' -Because "Get-Help -$view should show links as text"
                $prose | Should -Not -Match '`[A-Za-z-]+`' -Because "Get-Help -$view should show code spans as text"
            }
        }

        It 'Should have in the code field of each example exactly the code its page runs' {
            # The examples of docs/ run below; the same code is what Get-Help shows and what a user
            # copies from (Get-Help $Name).examples.example.code.
            $helpExamples = @((Get-Help -Name $Name).examples.example)
            $helpExamples.Count | Should -Be $DocExamples.Count
            for ($i = 0; $i -lt $DocExamples.Count; $i++) {
                $helpExamples[$i].code | Should -Not -BeNullOrEmpty -Because "example $($i + 1) needs its code"
                ($helpExamples[$i].code -replace "`r`n", "`n") | Should -BeExactly $DocExamples[$i].Code -Because "example $($i + 1) should be '$($DocExamples[$i].Title)'"
                $helpExamples[$i].title | Should -Match ([regex]::Escape($DocExamples[$i].Title))
            }
        }

        It 'Should show the documented output of each example as its first remark, as plain text' {
            $helpExamples = @((Get-Help -Name $Name).examples.example)
            for ($i = 0; $i -lt $DocExamples.Count; $i++) {
                $remarks = @($helpExamples[$i].remarks | ForEach-Object { $_.Text })
                $remarks.Count | Should -BeGreaterThan 0 -Because "example $($i + 1) should explain itself"
                if ($null -ne $DocExamples[$i].Expected) {
                    $shown = ConvertTo-ComparableOutput -Text $remarks[0]
                    $documented = ConvertTo-ComparableOutput -Text $DocExamples[$i].Expected
                    ($shown -join "`n") | Should -BeExactly ($documented -join "`n") -Because "example $($i + 1) should show its output"
                }
            }
        }

        It 'Should show the default value its page gives for every parameter' {
            $checked = 0
            foreach ($parameter in $commandParameters) {
                $documented = $page.Parameters[$parameter].Metadata['DefaultValue']
                if ([string]::IsNullOrEmpty($documented)) { continue }
                (Get-Help -Name $Name -Parameter $parameter).defaultValue | Should -BeExactly $documented -Because "the page gives -$parameter a default"
                $checked++
            }
            $checked | Should -BeGreaterThan 0
        }
    }

    # The examples are found during discovery; -ForEach hands them to the run phase.
    Context 'The examples of docs/' -ForEach @(@{ AllExamples = @($script:ExampleCases | ForEach-Object { $_.Example }) }) {
        BeforeAll {
            $root = Join-Path ([IO.Path]::GetTempPath()) ('mh' + [Guid]::NewGuid().ToString('N').Substring(0, 6))
            $null = New-Item -ItemType Directory -Path $root
            $script:ExampleResults = Invoke-DocExample -Examples $AllExamples -Root $root
        }

        AfterAll {
            if ($root -and (Test-Path -LiteralPath $root)) { Remove-Item -LiteralPath $root -Recurse -Force -ErrorAction SilentlyContinue }
        }

        It 'Should run <Page> "<Title>" without an error and close its maps' -ForEach $script:ExampleCases {
            if ($IsWindows -and $Title -like '*(Linux and macOS)') { Set-ItResult -Skipped -Because 'the example is for Linux and macOS, as its title says'; return }
            $result = $script:ExampleResults[$Key]
            $result | Should -Not -BeNullOrEmpty
            $result.TimedOut | Should -BeFalse
            $result.Error.Trim() | Should -BeNullOrEmpty -Because 'the example should write no error'
            $result.ExitCode | Should -Be 0
            $result.OpenMaps | Should -Be 0 -Because 'the example should close the maps it opens'
        }

        It 'Should show the output documented for <Page> "<Title>"' -ForEach $script:OutputCases {
            if ($IsWindows -and $Title -like '*(Linux and macOS)') { Set-ItResult -Skipped -Because 'the example is for Linux and macOS, as its title says'; return }
            $result = $script:ExampleResults[$Key]
            $actual = ConvertTo-ComparableOutput -Text $result.Output -TempFolder $result.Folder
            $expected = ConvertTo-ComparableOutput -Text $Example.Expected
            ($actual -join "`n") | Should -BeExactly ($expected -join "`n")
        }
    }
}
