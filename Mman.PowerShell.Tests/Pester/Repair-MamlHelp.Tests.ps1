<#
.SYNOPSIS
    Tests docs/Repair-MamlHelp.ps1 on its own: a small MAML file shaped as PlatyPS 1.x exports it,
    with its markdown page and module page, goes in; examples with code, plain text, default values
    and the module's version come out, and a second run changes nothing.
#>

BeforeAll {
    $script:Repair = [IO.Path]::GetFullPath((Join-Path $PSScriptRoot '../../docs/Repair-MamlHelp.ps1'))
    $script:Ns = @{
        maml    = 'http://schemas.microsoft.com/maml/2004/10'
        command = 'http://schemas.microsoft.com/maml/dev/command/2004/10'
        dev     = 'http://schemas.microsoft.com/maml/dev/2004/10'
    }
    $fence = '```'

    # A command page: one example with code, an Output block whose first line starts with spaces,
    # and prose with markup; two parameters, one with a default.
    $script:Page = @"
---
document type: cmdlet
external help file: Sample.dll-Help.xml
title: Get-Sample
---

# Get-Sample

## SYNOPSIS

Gets samples.

## DESCRIPTION

The ``Get-Sample`` cmdlet gets **Count** samples; see [about_Sample]() and [the site](https://example.org/s).

## EXAMPLES

### Example 1: Get two samples

${fence}powershell
`$samples = Get-Sample -Count 2

`$samples | Format-Table
${fence}

${fence}Output
  Id Name
  -- ----
   1 one
${fence}

The **Count** parameter says how many; ``Get-Sample`` returns them in order.

## PARAMETERS

### -Count

Specifies how many samples to get.

${fence}yaml
Type: System.Int32
DefaultValue: 1
${fence}

### -Name

Specifies a name.

${fence}yaml
Type: System.String
DefaultValue: ''
${fence}
"@

    $script:ModulePage = @"
---
document type: module
Help Version: 0.0.1
Module Name: Sample
---

# Sample Module
"@

    # The MAML as PlatyPS 1.x writes it: the example's markdown split into paragraphs of its
    # introduction at blank lines, with U+0080 paragraphs between them, and no default values.
    $script:Maml = @"
<?xml version="1.0" encoding="utf-8"?>
<helpItems xmlns:maml="http://schemas.microsoft.com/maml/2004/10" xmlns:command="http://schemas.microsoft.com/maml/dev/command/2004/10" xmlns:dev="http://schemas.microsoft.com/maml/dev/2004/10" schema="maml" xmlns="http://msh">
  <command:command>
    <command:details>
      <command:name>Get-Sample</command:name>
      <maml:description>
        <maml:para>Gets samples.</maml:para>
      </maml:description>
    </command:details>
    <maml:description>
      <maml:para>The ``Get-Sample`` cmdlet gets **Count** samples; see [about_Sample]() and [the site](https://example.org/s).</maml:para>
    </maml:description>
    <command:syntax>
      <command:syntaxItem>
        <maml:name>Get-Sample</maml:name>
        <command:parameter required="false" position="named">
          <maml:name>Count</maml:name>
          <dev:type>
            <maml:name>System.Int32</maml:name>
          </dev:type>
        </command:parameter>
      </command:syntaxItem>
    </command:syntax>
    <command:parameters>
      <command:parameter required="false" position="named">
        <maml:name>Count</maml:name>
        <maml:description>
          <maml:para>Specifies how many samples to get.</maml:para>
        </maml:description>
        <dev:type>
          <maml:name>System.Int32</maml:name>
        </dev:type>
      </command:parameter>
      <command:parameter required="false" position="named">
        <maml:name>Name</maml:name>
        <maml:description>
          <maml:para>Specifies a name.</maml:para>
        </maml:description>
        <dev:type>
          <maml:name>System.String</maml:name>
        </dev:type>
      </command:parameter>
    </command:parameters>
    <command:examples>
      <command:example>
        <maml:title>--------- Example 1: Get two samples ---------</maml:title>
        <maml:introduction>
          <maml:para>${fence}powershell
`$samples = Get-Sample -Count 2</maml:para>
          <maml:para>&#x80;</maml:para>
          <maml:para>`$samples | Format-Table
${fence}</maml:para>
          <maml:para>&#x80;</maml:para>
          <maml:para>${fence}Output
Id Name
  -- ----
   1 one
${fence}</maml:para>
          <maml:para>&#x80;</maml:para>
          <maml:para>The **Count** parameter says how many; ``Get-Sample`` returns them in order.</maml:para>
        </maml:introduction>
        <dev:code />
        <dev:remarks />
      </command:example>
    </command:examples>
  </command:command>
</helpItems>
"@

    function New-Sample {
        # A fresh copy of the sample in its own folder; returns the paths.
        $root = Join-Path $TestDrive ([Guid]::NewGuid().ToString('N'))
        $docs = New-Item -ItemType Directory -Path (Join-Path $root 'docs')
        Set-Content -LiteralPath (Join-Path $docs 'Get-Sample.md') -Value $script:Page -Encoding utf8
        Set-Content -LiteralPath (Join-Path $docs 'Sample.md') -Value $script:ModulePage -Encoding utf8
        $maml = Join-Path $root 'Sample.dll-Help.xml'
        Set-Content -LiteralPath $maml -Value $script:Maml -Encoding utf8
        [pscustomobject]@{ Docs = $docs.FullName; Maml = $maml; ModulePage = Join-Path $docs 'Sample.md' }
    }

    function Select-Maml {
        # The nodes an XPath selects; callers wrap the call in @() to index one.
        param([string] $Path, [string] $XPath)
        @(Select-Xml -LiteralPath $Path -XPath $XPath -Namespace $script:Ns | ForEach-Object { $_.Node })
    }
}

Describe 'docs/Repair-MamlHelp.ps1' -Tag CI {
    Context 'When it repairs a MAML file exported by PlatyPS 1.x' {
        BeforeAll {
            $sample = New-Sample
            & $script:Repair -Path $sample.Maml -DocsPath $sample.Docs -ModuleVersion 1.2.3
            $example = @(Select-Maml $sample.Maml '//command:example')[0]
            $remarks = @(Select-Maml $sample.Maml '//command:example/dev:remarks/maml:para' | ForEach-Object InnerText)
        }

        It 'Should put the first powershell block, whole and without fences, in the code field' {
            $example.code | Should -BeExactly "`$samples = Get-Sample -Count 2`n`n`$samples | Format-Table"
        }

        It 'Should leave the introduction empty' {
            $example.introduction.InnerText | Should -BeNullOrEmpty
        }

        It 'Should make the Output block the first remark, verbatim and without fences' {
            $remarks[0] | Should -BeExactly "  Id Name`n  -- ----`n   1 one"
        }

        It 'Should make the explanation the next remark, without markup' {
            $remarks[1] | Should -BeExactly 'The Count parameter says how many; Get-Sample returns them in order.'
            $remarks.Count | Should -Be 2
        }

        It 'Should keep the example title' {
            $example.title | Should -BeExactly '--------- Example 1: Get two samples ---------'
        }

        It 'Should remove markup from every other paragraph, keeping web addresses' {
            @(Select-Maml $sample.Maml '//command:command/maml:description/maml:para')[0].InnerText |
                Should -BeExactly 'The Get-Sample cmdlet gets Count samples; see about_Sample and the site (https://example.org/s).'
        }

        It 'Should leave no PlatyPS line-break paragraph (U+0080)' {
            Get-Content -LiteralPath $sample.Maml -Raw | Should -Not -Match '\u0080|&#x80;'
        }

        It 'Should give each parameter its default from the page, in the syntax and the parameter list' {
            $defaults = @(Select-Maml $sample.Maml "//command:parameter[maml:name='Count']/dev:defaultValue" | ForEach-Object InnerText)
            $defaults.Count | Should -Be 2
            $defaults | Should -Be @('1', '1')
        }

        It 'Should take an empty quoted default as no default' {
            Select-Maml $sample.Maml "//command:parameter[maml:name='Name']/dev:defaultValue" | Should -BeNullOrEmpty
        }

        It 'Should set the version of each command to the module version' {
            (Select-Maml $sample.Maml '//command:details/dev:version').InnerText | Should -BeExactly '1.2.3'
        }

        It 'Should set the Help Version of the module page to the module version' {
            Get-Content -LiteralPath $sample.ModulePage | Should -Contain 'Help Version: 1.2.3'
            Get-Content -LiteralPath $sample.ModulePage | Should -Not -Contain 'Help Version: 0.0.1'
        }

        It 'Should give Get-Help-ready XML: the file loads and keeps its namespaces' {
            $xml = [xml](Get-Content -LiteralPath $sample.Maml -Raw)
            $xml.DocumentElement.NamespaceURI | Should -Be 'http://msh'
            $xml.DocumentElement.GetAttribute('xmlns:command') | Should -Be $script:Ns.command
        }
    }

    Context 'When it runs again on its own output' {
        It 'Should change nothing' {
            $sample = New-Sample
            & $script:Repair -Path $sample.Maml -DocsPath $sample.Docs -ModuleVersion 1.2.3
            $first = [IO.File]::ReadAllBytes($sample.Maml)
            $firstPage = [IO.File]::ReadAllBytes($sample.ModulePage)
            & $script:Repair -Path $sample.Maml -DocsPath $sample.Docs -ModuleVersion 1.2.3
            [Convert]::ToBase64String([IO.File]::ReadAllBytes($sample.Maml)) | Should -BeExactly ([Convert]::ToBase64String($first))
            [Convert]::ToBase64String([IO.File]::ReadAllBytes($sample.ModulePage)) | Should -BeExactly ([Convert]::ToBase64String($firstPage))
        }
    }

    Context 'When the MAML and the page disagree' {
        It 'Should refuse a MAML whose examples are not the page''s, and leave the file as it was' {
            $sample = New-Sample
            $before = Get-Content -LiteralPath $sample.Maml -Raw
            $page = Join-Path $sample.Docs 'Get-Sample.md'
            (Get-Content -LiteralPath $page -Raw).Replace('Example 1: Get two samples', 'Example 1: Something else') |
                Set-Content -LiteralPath $page -Encoding utf8
            { & $script:Repair -Path $sample.Maml -DocsPath $sample.Docs -ModuleVersion 1.2.3 } | Should -Throw '*Example 1 of Get-Sample*'
            Get-Content -LiteralPath $sample.Maml -Raw | Should -BeExactly $before
        }

        It 'Should refuse a command that has no page' {
            $sample = New-Sample
            Remove-Item -LiteralPath (Join-Path $sample.Docs 'Get-Sample.md')
            { & $script:Repair -Path $sample.Maml -DocsPath $sample.Docs -ModuleVersion 1.2.3 } | Should -Throw '*No page*Get-Sample*'
        }
    }
}
