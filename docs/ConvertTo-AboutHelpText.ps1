<#
.SYNOPSIS
    Converts an about topic written in markdown (docs/about_*.md) to the text file Get-Help shows.

.DESCRIPTION
    PlatyPS 1.x converts command pages to MAML but has no converter for about topics, so this script
    writes the classic about_*.help.txt layout: 'TOPIC', the topic name, then 'SHORT DESCRIPTION'
    with the short description on line 5, which Get-Help reads as the topic's synopsis. Sections
    (##) become upper-case headings, subsections (###) upper-case headings indented by two spaces,
    paragraphs and list items are wrapped at 80 columns and indented by four, code blocks are
    indented by eight (an Output block is introduced by 'Output:'), bold markers are dropped and
    links keep their text (and their address, when it is a web address).

    Help.Tests.ps1 checks that the shipped text is exactly what this script makes of the markdown.

.EXAMPLE
    ./docs/ConvertTo-AboutHelpText.ps1 -Path ./docs/about_Mman.md -Destination ./Mman.PowerShell/en-US/about_Mman.help.txt
#>
[CmdletBinding()]
param(
    # The markdown about topic.
    [Parameter(Mandatory)]
    [string] $Path,

    # The text file to write. Without it, the text is returned.
    [string] $Destination
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
$width = 80

. (Join-Path $PSScriptRoot 'MarkdownInline.ps1')

function Format-Wrapped([string] $Text, [int] $Indent, [int] $Hang) {
    # Greedy word wrap at $width columns; a word longer than a line stays whole.
    $lines = [Collections.Generic.List[string]]::new()
    $line = ' ' * $Indent
    $empty = $true
    foreach ($word in ((ConvertFrom-MarkdownInline $Text) -split '\s+' | Where-Object { $_ -ne '' })) {
        if (-not $empty -and $line.Length + 1 + $word.Length -gt $width) {
            $lines.Add($line)
            $line = ' ' * $Hang
            $empty = $true
        }
        $line = if ($empty) { $line + $word } else { $line + ' ' + $word }
        $empty = $false
    }
    if (-not $empty) { $lines.Add($line) }
    return $lines
}

$source = @(Get-Content -LiteralPath $Path -Encoding utf8)
if ($source.Count -gt 0 -and $source[0] -eq '---') {
    $end = [Array]::IndexOf($source, '---', 1)
    $source = @($source | Select-Object -Skip ($end + 1))
}

# Blocks: headings, paragraphs, list items and code blocks.
$blocks = [Collections.Generic.List[object]]::new()
$paragraph = $null
$code = $null
foreach ($line in $source) {
    if ($null -ne $code) {
        if ($line -match '^```') { $blocks.Add($code); $code = $null } else { $code.Lines.Add($line) }
        continue
    }
    if ($line -match '^```(.*)$') {
        if ($null -ne $paragraph) { $blocks.Add($paragraph); $paragraph = $null }
        $code = [pscustomobject]@{ Kind = 'code'; Language = $Matches[1].Trim(); Lines = [Collections.Generic.List[string]]::new() }
        continue
    }
    if ($line -match '^(#+) (.*)$') {
        if ($null -ne $paragraph) { $blocks.Add($paragraph); $paragraph = $null }
        $blocks.Add([pscustomobject]@{ Kind = 'h' + $Matches[1].Length; Text = $Matches[2] })
        continue
    }
    if ($line.Trim() -eq '') {
        if ($null -ne $paragraph) { $blocks.Add($paragraph); $paragraph = $null }
        continue
    }
    if ($line -match '^- ') {
        if ($null -ne $paragraph) { $blocks.Add($paragraph) }
        $paragraph = [pscustomobject]@{ Kind = 'li'; Text = $line.Trim() }
        continue
    }
    if ($null -eq $paragraph) {
        $paragraph = [pscustomobject]@{ Kind = 'p'; Text = $line.Trim() }
    }
    else {
        $paragraph.Text += ' ' + $line.Trim()
    }
}
if ($null -ne $paragraph) { $blocks.Add($paragraph) }

$out = [Collections.Generic.List[string]]::new()
$section = ''
$previous = ''
foreach ($block in $blocks) {
    if ($previous -eq 'li' -and $block.Kind -ne 'li' -and $out.Count -gt 0 -and $out[$out.Count - 1] -ne '') { $out.Add('') }
    switch ($block.Kind) {
        'h1' {
            $out.AddRange([string[]]@('TOPIC', ('    ' + $block.Text), ''))
        }
        'h2' {
            $section = $block.Text.ToUpperInvariant()
            if ($out.Count -gt 0 -and $out[$out.Count - 1] -ne '') { $out.Add('') }
            $out.Add($section)
        }
        'h3' {
            if ($out.Count -gt 0 -and $out[$out.Count - 1] -ne '') { $out.Add('') }
            $out.Add('  ' + (ConvertFrom-MarkdownInline $block.Text).ToUpperInvariant())
        }
        'p' {
            $out.AddRange([string[]](Format-Wrapped $block.Text 4 4))
            $out.Add('')
        }
        'li' {
            if ($section -eq 'SEE ALSO') {
                $out.AddRange([string[]](Format-Wrapped $block.Text.Substring(2) 4 4))
            }
            else {
                $out.AddRange([string[]](Format-Wrapped $block.Text 4 6))
            }
        }
        'code' {
            if ($block.Language -eq 'Output') { $out.AddRange([string[]]@('    Output:', '')) }
            foreach ($codeLine in $block.Lines) { $out.Add(('        ' + $codeLine).TrimEnd()) }
            $out.Add('')
        }
    }
    $previous = $block.Kind
}

$text = [regex]::Replace(($out -join "`n"), '\n{3,}', "`n`n").TrimEnd() + "`n"
if ($Destination) {
    [IO.File]::WriteAllText($Destination, $text, [Text.UTF8Encoding]::new($false))
}
else {
    $text
}
